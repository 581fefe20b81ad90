#include "store/acme.hpp"

#include <nlohmann/json.hpp>

namespace inkan::store::acme {

namespace {
constexpr const char* kAccountColumns =
    "SELECT a.id, a.registration_id, a.status, a.jwk, a.thumbprint, array_to_json(a.contact)::text, "
    "r.status, array_to_json(r.names)::text, r.server_profile "
    "FROM acme_accounts a JOIN acme_registrations r ON r.id = a.registration_id ";

std::optional<Account> account_row(const Result& r) {
    if (r.empty()) return std::nullopt;
    return Account{r.integer(0, 0), r.integer(0, 1), r.text(0, 2),    r.text(0, 3),   r.text(0, 4),
                   r.strings(0, 5), r.text(0, 6),    r.strings(0, 7), r.text(0, 8)};
}

// The certificate of an ACME application, with its registration.
constexpr const char* kIssuedColumns =
    "SELECT c.id, a.acme_registration_id, c.der, c.profile, c.revoked_at IS NOT NULL, EXISTS (SELECT 1 FROM applications r WHERE r.target_certificate_id = c.id "
    "AND r.operation = 'revoke' AND r.state = 'queued'), c.replaced_by "
    "FROM certificates c JOIN applications a ON a.id = c.application_id "
    "WHERE c.kind = 'acme' AND a.acme_registration_id IS NOT NULL AND ";

std::optional<Issued> issued_row(const Result& r) {
    if (r.empty()) return std::nullopt;
    Issued i{r.integer(0, 0), r.integer(0, 1), r.bytes(0, 2), r.text(0, 3), r.boolean(0, 4), r.boolean(0, 5), std::nullopt};
    if (!r.is_null(0, 6)) i.replaced_by = r.integer(0, 6);
    return i;
}
}  // namespace

// Expired nonces go a few at a time with every nonce handed out.
constexpr const char* kSweepAndStore =
    "swept AS (DELETE FROM acme_nonces WHERE nonce IN "
    "  (SELECT nonce FROM acme_nonces WHERE expires_at < now() LIMIT 16)), "
    "fresh AS (INSERT INTO acme_nonces (nonce, expires_at) VALUES ($1, now() + make_interval(secs => $2::int))) ";

bool swap_nonce(Connection& c, const std::string& used, const std::string& fresh, int lifetime_seconds) {
    auto r = c.query(std::string("WITH used AS (DELETE FROM acme_nonces WHERE nonce = $3 RETURNING expires_at > now() AS live), ") +
                         kSweepAndStore + "SELECT coalesce((SELECT live FROM used), false)",
                     fresh, lifetime_seconds, used);
    return r.boolean(0, 0);
}

void add_nonce(Connection& c, const std::string& fresh, int lifetime_seconds) {
    c.query(std::string("WITH ") + kSweepAndStore + "SELECT 1", fresh, lifetime_seconds);
}

std::optional<Account> account_by_id(Connection& c, int64_t id) {
    return account_row(c.query(std::string(kAccountColumns) + "WHERE a.id = $1", id));
}

std::optional<Account> account_by_thumbprint(Connection& c, const std::string& thumbprint) {
    return account_row(c.query(std::string(kAccountColumns) + "WHERE a.thumbprint = $1", thumbprint));
}

Binding bind_account(Connection& c, const std::string& kid, const std::string& alg, const std::string& signing_input,
                     const std::string& mac, const std::string& jwk, const std::string& thumbprint,
                     const std::vector<std::string>& contact) {
    auto r = c.query("SELECT outcome, account_id FROM inkan_acme_bind($1, $2, $3, $4, $5, $6, $7::text[])", kid, alg,
                     Bytes{signing_input}, Bytes{mac}, jwk, thumbprint, text_array(contact));
    return {r.text(0, 0), r.is_null(0, 1) ? 0 : r.integer(0, 1)};
}

void set_contact(Connection& c, int64_t account_id, const std::vector<std::string>& contact) {
    c.query("UPDATE acme_accounts SET contact = $2::text[], updated_at = now() WHERE id = $1", account_id,
            text_array(contact));
}

void deactivate_account(Connection& c, int64_t account_id) {
    c.query("UPDATE acme_accounts SET status = 'deactivated', updated_at = now() WHERE id = $1", account_id);
}

void change_key(Connection& c, int64_t account_id, const std::string& jwk, const std::string& thumbprint) {
    c.query("UPDATE acme_accounts SET jwk = $2, thumbprint = $3, updated_at = now() WHERE id = $1", account_id, jwk,
            thumbprint);
}

int64_t create_order(Connection& c, int64_t account_id, const std::vector<std::string>& names, int lifetime_seconds,
                     const std::optional<std::string>& replaces, std::optional<int64_t> replaces_certificate_id) {
    return c
        .query("SELECT inkan_acme_new_order($1, $2::text[], $3, $4, $5)", account_id, text_array(names), lifetime_seconds,
               replaces, replaces_certificate_id)
        .integer(0, 0);
}

std::optional<Order> order(Connection& c, int64_t order_id) {
    auto r = c.query(
        "SELECT o.id, o.account_id, array_to_json(o.names)::text, o.status, inkan_iso(o.expires_at), o.error, "
        "  o.certificate_id, "
        "  (SELECT array_to_json(array_agg(z.id ORDER BY z.id))::text FROM acme_authorizations z WHERE z.order_id = o.id) "
        "FROM acme_order_states o WHERE o.id = $1",
        order_id);
    if (r.empty()) return std::nullopt;
    Order o{r.integer(0, 0), r.integer(0, 1), r.strings(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5), std::nullopt, {}};
    if (!r.is_null(0, 6)) o.certificate_id = r.integer(0, 6);
    if (!r.is_null(0, 7)) o.authorizations = nlohmann::json::parse(r.text(0, 7)).get<std::vector<int64_t>>();
    return o;
}

std::vector<int64_t> orders_of(Connection& c, int64_t account_id) {
    auto r = c.query("SELECT id FROM acme_orders WHERE account_id = $1 ORDER BY id DESC LIMIT 1000", account_id);
    std::vector<int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
    return out;
}

void fail_order(Connection& c, int64_t order_id, const std::string& why) {
    c.query("UPDATE acme_orders SET status = 'invalid', error = $2, updated_at = now() "
            "WHERE id = $1 AND status IN ('pending', 'ready')",
            order_id, why);
}

int64_t submit_order(Connection& c, int64_t order_id, const std::string& csr_der) {
    return c.query("SELECT inkan_submit_acme($1, $2)", order_id, Bytes{csr_der}).integer(0, 0);
}

std::optional<Authorization> authorization(Connection& c, int64_t authz_id) {
    auto r = c.query(
        "SELECT z.id, z.order_id, o.account_id, z.name, "
        "  CASE WHEN z.status IN ('pending', 'valid') AND z.expires_at <= now() THEN 'expired' ELSE z.status END, "
        "  inkan_iso(z.expires_at) "
        "FROM acme_authorizations z JOIN acme_orders o ON o.id = z.order_id WHERE z.id = $1",
        authz_id);
    if (r.empty()) return std::nullopt;
    return Authorization{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5)};
}

namespace {
constexpr const char* kChallengeColumns =
    "SELECT ch.id, ch.authorization_id, o.account_id, ch.type, ch.token, ch.status, coalesce(ch.error, ''), "
    "coalesce(inkan_iso(ch.validated_at), '') "
    "FROM acme_challenges ch JOIN acme_authorizations z ON z.id = ch.authorization_id "
    "JOIN acme_orders o ON o.id = z.order_id ";

Challenge challenge_row(const Result& r, int i) {
    return {r.integer(i, 0), r.integer(i, 1), r.integer(i, 2), r.text(i, 3), r.text(i, 4),
            r.text(i, 5),    r.text(i, 6),    r.text(i, 7)};
}
}  // namespace

std::optional<Challenge> challenge(Connection& c, int64_t challenge_id) {
    auto r = c.query(std::string(kChallengeColumns) + "WHERE ch.id = $1", challenge_id);
    if (r.empty()) return std::nullopt;
    return challenge_row(r, 0);
}

std::vector<Challenge> challenges_of(Connection& c, int64_t authz_id) {
    auto r = c.query(std::string(kChallengeColumns) + "WHERE ch.authorization_id = $1 ORDER BY ch.id", authz_id);
    std::vector<Challenge> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(challenge_row(r, i));
    return out;
}

std::string respond(Connection& c, int64_t challenge_id) {
    return c.query("SELECT inkan_acme_respond($1)", challenge_id).text(0, 0);
}

int64_t failures_today(Connection& c, int64_t registration_id) {
    return c.query("SELECT inkan_acme_failures_today($1)", registration_id).integer(0, 0);
}

std::optional<Issued> issued_by_id(Connection& c, int64_t certificate_id) {
    return issued_row(c.query(std::string(kIssuedColumns) + "c.id = $1", certificate_id));
}

std::optional<Issued> issued_by_fingerprint(Connection& c, const std::string& sha256) {
    return issued_row(c.query(std::string(kIssuedColumns) + "c.fingerprint_sha256 = $1", Bytes{sha256}));
}

std::optional<Issued> issued_by_serial(Connection& c, const std::string& serial_hex) {
    return issued_row(c.query(std::string(kIssuedColumns) + "c.serial = $1", serial_hex));
}

bool replacement_ordered(Connection& c, int64_t certificate_id) {
    // An order that failed or expired unfinished replaces nothing.
    return !c.query("SELECT 1 FROM acme_order_states WHERE replaces_certificate_id = $1 AND status <> 'invalid'",
                    certificate_id)
                .empty();
}

int64_t submit_revocation(Connection& c, int64_t certificate_id, int64_t registration_id, int reason) {
    return c.query("SELECT inkan_submit_acme_revocation($1, $2, $3)", certificate_id, registration_id, reason).integer(0, 0);
}

}  // namespace inkan::store::acme

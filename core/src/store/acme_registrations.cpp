#include "store/acme_registrations.hpp"

namespace inkan::store {

namespace {
constexpr const char* kColumns =
    "SELECT id, officer_id, account_ref, subject_dn, server_profile, status, array_to_json(names)::text, "
    "subscriber_name, subscriber_affiliation, subscriber_email, server_software, eab_kid, inkan_iso(eab_expires_at), "
    "coalesce(inkan_iso(eab_bound_at), ''), suspend_reason, coalesce(suspend_comment, ''), inkan_iso(created_at), "
    "inkan_iso(updated_at) FROM acme_registrations ";

AcmeRegistrationRow registration_row(const Result& r, int i) {
    AcmeRegistrationRow row{r.integer(i, 0), r.integer(i, 1), r.text(i, 2),  r.text(i, 3),  r.text(i, 4),
                            r.text(i, 5),    r.strings(i, 6), r.text(i, 7),  r.text(i, 8),  r.text(i, 9),
                            r.text(i, 10),   r.text(i, 11),   r.text(i, 12), r.text(i, 13), std::nullopt,
                            r.text(i, 15),   r.text(i, 16),   r.text(i, 17)};
    if (!r.is_null(i, 14)) row.suspend_reason = static_cast<int>(r.integer(i, 14));
    return row;
}

std::optional<AcmeRegistrationRow> first(const Result& r) {
    if (r.empty()) return std::nullopt;
    return registration_row(r, 0);
}
}  // namespace

std::optional<AcmeRegistrationRow> acme_registration_by_ref(Connection& c, int64_t institution_id,
                                                            const std::string& account_ref) {
    return first(c.query(std::string(kColumns) + "WHERE institution_id = $1 AND account_ref = $2", institution_id, account_ref));
}

std::optional<AcmeRegistrationRow> acme_registration_by_id(Connection& c, int64_t institution_id, int64_t id) {
    return first(c.query(std::string(kColumns) + "WHERE institution_id = $1 AND id = $2", institution_id, id));
}

std::vector<AcmeRegistrationRow> acme_registrations(Connection& c, int64_t institution_id) {
    auto r = c.query(std::string(kColumns) + "WHERE institution_id = $1 ORDER BY id DESC LIMIT 5000", institution_id);
    std::vector<AcmeRegistrationRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(registration_row(r, i));
    return out;
}

int64_t register_acme(Connection& c, const AcmeRegistrationInput& in, const std::string& account_ref, const NewEab& eab,
                      int eab_days) {
    return c
        .query("SELECT inkan_acme_register($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13, $14, $15)",
               in.institution_id, in.officer_id, in.batch_id, in.line_no, account_ref, in.subject_dn, in.server_profile,
               text_array(in.names), in.subscriber_name, in.subscriber_affiliation, in.subscriber_email,
               in.server_software, eab.kid, Bytes{eab.hmac_key}, eab_days)
        .integer(0, 0);
}

void update_acme(Connection& c, int64_t registration_id, const AcmeRegistrationInput& in, const NewEab& eab, int eab_days) {
    c.query("SELECT inkan_acme_update($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11, $12)", registration_id,
            in.officer_id, in.subject_dn, in.server_profile, text_array(in.names), in.subscriber_name,
            in.subscriber_affiliation, in.subscriber_email, in.server_software, eab.kid, Bytes{eab.hmac_key}, eab_days);
}

void suspend_acme(Connection& c, int64_t registration_id, int64_t officer_id, int reason, const std::string& comment) {
    c.query("SELECT inkan_acme_suspend($1, $2, $3, $4)", registration_id, officer_id, reason, comment);
}

std::vector<AcmeAccountRow> acme_accounts_of(Connection& c, int64_t registration_id) {
    auto r = c.query("SELECT id, status, inkan_iso(created_at), array_to_json(contact)::text FROM acme_accounts "
                     "WHERE registration_id = $1 ORDER BY id",
                     registration_id);
    std::vector<AcmeAccountRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.strings(i, 3)});
    return out;
}

std::vector<AcmeOrderRow> acme_orders_of(Connection& c, int64_t registration_id, int limit) {
    auto r = c.query(
        "SELECT o.id, array_to_json(o.names)::text, o.status, o.error, inkan_iso(o.created_at), o.certificate_id "
        "FROM acme_order_states o JOIN acme_accounts a ON a.id = o.account_id "
        "WHERE a.registration_id = $1 ORDER BY o.id DESC LIMIT $2::int",
        registration_id, limit);
    std::vector<AcmeOrderRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        AcmeOrderRow row{r.integer(i, 0), r.strings(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), std::nullopt};
        if (!r.is_null(i, 5)) row.certificate_id = r.integer(i, 5);
        out.push_back(row);
    }
    return out;
}

}  // namespace inkan::store

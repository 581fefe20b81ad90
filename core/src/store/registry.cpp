#include "store/registry.hpp"

namespace inkan::store {

namespace {
std::optional<Listing> one(const Result& r) {
    if (r.empty()) return std::nullopt;
    return first_row(r);
}
}  // namespace

std::optional<Listing> insert_institution(Connection& c, const std::string& name_en, const std::optional<std::string>& name_ja,
                                          const std::string& st, const std::string& l) {
    return one(c.query("INSERT INTO institutions (name_en, name_ja, st, l) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (name_en) DO NOTHING RETURNING id, name_en, name_ja, st, l, status",
                       name_en, name_ja, st, l));
}

Listing list_institutions(Connection& c) {
    return rows_json(c.query(
        "SELECT i.id, i.name_en, i.name_ja, i.st, i.l, i.status, "
        "(SELECT count(*) FROM domains d WHERE d.institution_id = i.id) AS domains, "
        "(SELECT count(*) FROM officers o WHERE o.institution_id = i.id AND o.status = 'active') AS officers "
        "FROM institutions i ORDER BY i.id"));
}

std::optional<Listing> set_institution_status(Connection& c, int64_t id, const std::string& status) {
    return one(c.query("UPDATE institutions SET status = $2 WHERE id = $1 RETURNING id, name_en, status", id, status));
}

std::optional<Listing> set_institution_acme_challenges(Connection& c, int64_t id, const std::vector<std::string>& types) {
    return one(c.query("UPDATE institutions SET acme_challenges = $2::text[] WHERE id = $1 "
                       "RETURNING id, name_en, acme_challenges",
                       id, text_array(types)));
}

std::optional<Listing> set_institution_organization_identifier(Connection& c, int64_t id, const std::string& value) {
    return one(c.query("UPDATE institutions SET organization_identifier = $2 WHERE id = $1 "
                       "RETURNING id, name_en, organization_identifier",
                       id, value));
}

bool institution_exists(Connection& c, int64_t id) {
    return !c.query("SELECT 1 FROM institutions WHERE id = $1", id).empty();
}

std::optional<DomainOverlap> overlapping_domain(Connection& c, int64_t institution_id, const std::string& name) {
    auto r = c.query("SELECT name, institution_id FROM domains WHERE institution_id <> $1 AND "
                     "(inkan_within($2, name) OR inkan_within(name, $2)) ORDER BY name LIMIT 1",
                     institution_id, name);
    if (r.empty()) return std::nullopt;
    return DomainOverlap{r.text(0, 0), r.integer(0, 1)};
}

std::optional<Listing> insert_domain(Connection& c, int64_t institution_id, const std::string& name) {
    return one(c.query("INSERT INTO domains (institution_id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING "
                       "RETURNING id, institution_id, name",
                       institution_id, name));
}

Listing list_domains(Connection& c, std::optional<int64_t> institution_id) {
    return rows_json(c.query(
        "SELECT d.id, d.name, d.institution_id, i.name_en AS institution FROM domains d "
        "JOIN institutions i ON i.id = d.institution_id WHERE ($1::bigint IS NULL OR d.institution_id = $1) ORDER BY d.name",
        institution_id));
}

std::optional<int64_t> domain_id(Connection& c, const std::string& name) {
    auto r = c.query("SELECT id FROM domains WHERE name = $1", name);
    if (r.empty()) return std::nullopt;
    return r.integer(0, 0);
}

std::optional<int64_t> officer_domain_id(Connection& c, int64_t officer_id, const std::string& name) {
    auto r = c.query("SELECT d.id FROM domains d JOIN officers o ON o.institution_id = d.institution_id "
                     "WHERE d.name = $1 AND o.id = $2 AND o.status = 'active'",
                     name, officer_id);
    if (r.empty()) return std::nullopt;
    return r.integer(0, 0);
}

bool insert_allowlist(Connection& c, int64_t domain_id, const std::string& ou) {
    return !c.query("INSERT INTO ou_allowlist (domain_id, ou) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id",
                    domain_id, ou)
                .empty();
}

Listing list_allowlist(Connection& c, const std::optional<std::string>& domain) {
    return rows_json(c.query("SELECT d.name AS domain, a.ou FROM ou_allowlist a JOIN domains d ON d.id = a.domain_id "
                             "WHERE ($1::text IS NULL OR d.name = $1) ORDER BY d.name, a.ou",
                             domain));
}

std::optional<int64_t> insert_officer(Connection& c, int64_t institution_id, const std::string& name, const std::string& email) {
    auto r = c.query("INSERT INTO officers (institution_id, name, email) VALUES ($1, $2, $3) "
                     "ON CONFLICT (institution_id, email) DO NOTHING RETURNING id",
                     institution_id, name, email);
    if (r.empty()) return std::nullopt;
    return r.integer(0, 0);
}

Listing list_officers(Connection& c, std::optional<int64_t> institution_id) {
    return rows_json(c.query(
        "SELECT o.id, o.name, o.email, o.institution_id, o.status, "
        "(SELECT p.state FROM officer_pickups p WHERE p.officer_id = o.id ORDER BY p.id DESC LIMIT 1) AS pickup, "
        "(SELECT to_char(max(ce.not_after), 'YYYY-MM-DD') FROM certificates ce WHERE ce.officer_id = o.id "
        " AND ce.kind = 'officer' AND ce.revoked_at IS NULL) AS cert_valid_until "
        "FROM officers o WHERE ($1::bigint IS NULL OR o.institution_id = $1) ORDER BY o.id",
        institution_id));
}

bool deactivate_officer(Connection& c, int64_t officer_id) {
    return !c.query("UPDATE officers SET status = 'revoked' WHERE id = $1 AND status = 'active' RETURNING id", officer_id)
                .empty();
}

std::vector<std::string> revoke_officer_certificates(Connection& c, int64_t officer_id, int reason) {
    auto r = c.query("UPDATE certificates SET revoked_at = now(), revocation_reason = $2 "
                     "WHERE officer_id = $1 AND kind = 'officer' AND revoked_at IS NULL RETURNING serial",
                     officer_id, reason);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

void supersede_unfinished_pickups(Connection& c, int64_t officer_id) {
    c.query("UPDATE officer_pickups SET state = 'superseded', updated_at = now() "
            "WHERE officer_id = $1 AND state IN ('open', 'locked', 'issuing')",
            officer_id);
}

void expire_officer_sessions(Connection& c, int64_t officer_id) {
    c.query("UPDATE officer_sessions SET ended_at = now(), end_reason = 'expired' WHERE officer_id = $1 AND ended_at IS NULL",
            officer_id);
}

int64_t upsert_grant(Connection& c, int64_t officer_id, int64_t domain_id, const std::optional<std::string>& subtree,
                     const std::vector<std::string>& kinds, const std::vector<std::string>& actions) {
    return c.query("INSERT INTO grants (officer_id, domain_id, subtree, kinds, actions) VALUES ($1, $2, $3, $4::text[], $5::text[]) "
                   "ON CONFLICT (officer_id, domain_id, coalesce(subtree, '')) DO UPDATE SET kinds = EXCLUDED.kinds, "
                   "actions = EXCLUDED.actions RETURNING id",
                   officer_id, domain_id, subtree, text_array(kinds), text_array(actions))
        .integer(0, 0);
}

Listing list_grants(Connection& c, std::optional<int64_t> officer_id) {
    return rows_json(c.query(
        "SELECT g.id, g.officer_id, d.name AS domain, g.subtree, array_to_string(g.kinds, ',') AS kinds, "
        "array_to_string(g.actions, ',') AS actions FROM grants g JOIN domains d ON d.id = g.domain_id "
        "WHERE ($1::bigint IS NULL OR g.officer_id = $1) ORDER BY g.id",
        officer_id));
}

std::optional<int64_t> delete_grant(Connection& c, int64_t grant_id) {
    auto r = c.query("DELETE FROM grants WHERE id = $1 RETURNING officer_id", grant_id);
    if (r.empty()) return std::nullopt;
    return r.integer(0, 0);
}

}  // namespace inkan::store

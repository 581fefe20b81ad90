#include "store/applications.hpp"

#include <nlohmann/json.hpp>

namespace inkan::store {

std::optional<QueuedIssuance> claim_next_issuance(Connection& c) {
    auto r = c.query(
        "SELECT a.id, a.institution_id, coalesce(a.officer_id, 0), a.kind, a.operation, coalesce(a.profile, ''), "
        "coalesce(a.subject_dn, ''), a.csr, a.public_key, coalesce(a.subscriber_email, ''), "
        "coalesce(array_to_json(a.dns_names)::text, '[]'), a.old_certificate_id, a.created_at::text, "
        "i.name_en, i.st, i.l, coalesce(o.name, ''), a.pickup_id "
        "FROM applications a JOIN institutions i ON i.id = a.institution_id LEFT JOIN officers o ON o.id = a.officer_id "
        "WHERE a.state = 'queued' AND a.operation IN ('issue', 'renew') "
        "ORDER BY CASE a.kind WHEN 'officer' THEN 0 ELSE 1 END, a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED");
    if (r.empty()) return std::nullopt;
    QueuedIssuance a;
    a.id = r.integer(0, 0);
    a.institution_id = r.integer(0, 1);
    a.officer_id = r.integer(0, 2);
    a.kind = authz::parse_kind(r.text(0, 3));
    a.operation = r.text(0, 4);
    a.profile = r.text(0, 5);
    a.subject_dn = r.text(0, 6);
    if (!r.is_null(0, 7)) a.csr_der = r.bytes(0, 7);
    if (!r.is_null(0, 8)) a.public_key_der = r.bytes(0, 8);
    a.subscriber_email = r.text(0, 9);
    a.dns_names = nlohmann::json::parse(r.text(0, 10)).get<std::vector<std::string>>();
    if (!r.is_null(0, 11)) a.old_certificate_id = r.integer(0, 11);
    a.created_at = r.text(0, 12);
    a.institution_o = r.text(0, 13);
    a.institution_st = r.text(0, 14);
    a.institution_l = r.text(0, 15);
    a.officer_name = r.text(0, 16);
    if (!r.is_null(0, 17)) a.pickup_id = r.integer(0, 17);
    return a;
}

std::optional<QueuedRevocation> claim_next_revocation(Connection& c) {
    auto r = c.query(
        "SELECT a.id, a.institution_id, a.officer_id, a.target_certificate_id, ce.ca_id, a.revocation_reason, ce.serial "
        "FROM applications a JOIN certificates ce ON ce.id = a.target_certificate_id "
        "WHERE a.state = 'queued' AND a.operation = 'revoke' "
        "ORDER BY a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED");
    if (r.empty()) return std::nullopt;
    return QueuedRevocation{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.integer(0, 3), r.integer(0, 4),
                            static_cast<int>(r.integer(0, 5)), r.text(0, 6)};
}

void mark_issued(Connection& c, int64_t application_id, int64_t certificate_id) {
    c.query("UPDATE applications SET state = 'issued', certificate_id = $2, updated_at = now() WHERE id = $1",
            application_id, certificate_id);
}

void mark_completed(Connection& c, int64_t application_id, int64_t certificate_id) {
    c.query("UPDATE applications SET state = 'completed', certificate_id = $2, updated_at = now() WHERE id = $1",
            application_id, certificate_id);
}

void mark_failed(Connection& c, int64_t application_id, const std::string& why) {
    c.query("UPDATE applications SET state = 'failed', error = $2, updated_at = now() WHERE id = $1", application_id, why);
}

}  // namespace inkan::store

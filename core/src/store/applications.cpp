#include "store/applications.hpp"

#include <nlohmann/json.hpp>

namespace inkan::store {

namespace {
QueuedIssuance issuance_row(const Result& r, int i) {
    QueuedIssuance a;
    a.id = r.integer(i, 0);
    a.institution_id = r.integer(i, 1);
    a.officer_id = r.integer(i, 2);
    a.kind = authz::parse_kind(r.text(i, 3));
    a.operation = r.text(i, 4);
    a.profile = r.text(i, 5);
    a.subject_dn = r.text(i, 6);
    if (!r.is_null(i, 7)) a.csr_der = r.bytes(i, 7);
    if (!r.is_null(i, 8)) a.public_key_der = r.bytes(i, 8);
    a.subscriber_email = r.text(i, 9);
    a.dns_names = nlohmann::json::parse(r.text(i, 10)).get<std::vector<std::string>>();
    if (!r.is_null(i, 11)) a.old_certificate_id = r.integer(i, 11);
    a.created_at = r.text(i, 12);
    a.institution_o = r.text(i, 13);
    a.institution_st = r.text(i, 14);
    a.institution_l = r.text(i, 15);
    a.officer_name = r.text(i, 16);
    if (!r.is_null(i, 17)) a.pickup_id = r.integer(i, 17);
    if (!r.is_null(i, 18)) a.acme_registration_id = r.integer(i, 18);
    if (!r.is_null(i, 19)) a.acme_order_id = r.integer(i, 19);
    a.end_user_email = r.text(i, 20);
    a.pkcs12_name = r.text(i, 21);
    a.download_method = static_cast<int>(r.integer(i, 22));
    a.organization_identifier = r.text(i, 23);
    return a;
}
}  // namespace


std::vector<QueuedIssuance> claim_issuances(Connection& c, int limit) {
    // The ORDER BY matches index applications_issuance_queue (sql/016): no sort of the whole queue.
    auto r = c.query(
        "SELECT a.id, a.institution_id, coalesce(a.officer_id, 0), a.kind, a.operation, coalesce(a.profile, ''), "
        "coalesce(a.subject_dn, ''), a.csr, a.public_key, coalesce(a.subscriber_email, ''), "
        "coalesce(array_to_json(a.dns_names)::text, '[]'), a.old_certificate_id, a.created_at::text, "
        "i.name_en, i.st, i.l, coalesce(o.name, ''), a.pickup_id, a.acme_registration_id, a.acme_order_id, "
        "coalesce(a.end_user_email, ''), coalesce(a.pkcs12_name, ''), coalesce(a.download_method, 1), "
        "coalesce(i.organization_identifier, '') "
        "FROM applications a JOIN institutions i ON i.id = a.institution_id LEFT JOIN officers o ON o.id = a.officer_id "
        "WHERE a.state = 'queued' AND a.operation IN ('issue', 'renew') "
        "ORDER BY (a.kind <> 'officer'), a.id LIMIT $1::int FOR UPDATE OF a SKIP LOCKED",
        limit);
    std::vector<QueuedIssuance> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(issuance_row(r, i));
    return out;
}

std::vector<QueuedRevocation> claim_revocations(Connection& c, int limit) {
    auto r = c.query(
        "SELECT a.id, a.institution_id, a.officer_id, a.target_certificate_id, ce.ca_id, a.revocation_reason, ce.serial, a.kind, a.acme_registration_id "
        "FROM applications a JOIN certificates ce ON ce.id = a.target_certificate_id "
        "WHERE a.state = 'queued' AND a.operation = 'revoke' "
        "ORDER BY a.id LIMIT $1::int FOR UPDATE OF a SKIP LOCKED",
        limit);
    std::vector<QueuedRevocation> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.integer(i, 0), r.integer(i, 1), r.integer(i, 2), r.integer(i, 3), r.integer(i, 4),
                       static_cast<int>(r.integer(i, 5)), r.text(i, 6), r.text(i, 7), std::nullopt});
        if (!r.is_null(i, 8)) out.back().acme_registration_id = r.integer(i, 8);
    }
    return out;
}

void mark_completed(Connection& c, int64_t application_id, int64_t certificate_id) {
    c.query("UPDATE applications SET state = 'completed', certificate_id = $2, updated_at = now() WHERE id = $1",
            application_id, certificate_id);
}

void mark_failed(Connection& c, int64_t application_id, const std::string& why) {
    c.query("UPDATE applications SET state = 'failed', error = $2, updated_at = now() WHERE id = $1", application_id, why);
    // A preset PIN (client files) must not outlive its application.
    c.query("DELETE FROM preset_pins WHERE application_id = $1", application_id);
}

}  // namespace inkan::store

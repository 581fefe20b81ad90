#include "store/submissions.hpp"

namespace inkan::store {

void submit_server(Connection& c, const ServerSubmission& s) {
    c.query("SELECT inkan_submit_server($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15, $16, "
            "$17, $18)",
            s.operation, s.institution_id, s.officer_id, s.batch_id, s.line_no, s.subject_dn, s.profile,
            s.csr_der.empty() ? Param(std::nullopt) : Param(Bytes{s.csr_der}), text_array(s.dns_names),
            s.subscriber_name, s.subscriber_affiliation, s.subscriber_email, s.fqdn, s.software, s.old_certificate_id,
            s.target_certificate_id, s.revocation_reason, s.comment);
}

void submit_client(Connection& c, const ClientSubmission& s) {
    c.query("SELECT inkan_submit_client($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10, $11, $12, $13, $14, $15, $16, $17, "
            "$18, $19, $20::int, $21)",
            s.operation, s.kind, s.institution_id, s.officer_id, s.batch_id, s.line_no, s.subject_dn, s.profile,
            s.download_method, s.subscriber_name, s.subscriber_affiliation, s.subscriber_email, s.end_user_name,
            s.pkcs12_name, s.end_user_affiliation, s.end_user_email, s.preset_pin, s.old_certificate_id,
            s.target_certificate_id, s.revocation_reason, s.comment);
}

int64_t submit_officer_pickup(Connection& c, int64_t institution_id, int64_t officer_id, int64_t pickup_id,
                              const std::string& public_key_der) {
    return c.query("SELECT inkan_submit_officer_pickup($1, $2, $3, $4)", institution_id, officer_id, pickup_id,
                   Bytes{public_key_der})
        .integer(0, 0);
}

int64_t submit_officer_renewal(Connection& c, int64_t institution_id, int64_t officer_id, const std::string& public_key_der) {
    return c.query("SELECT inkan_submit_officer('renew', $1, $2, $3)", institution_id, officer_id, Bytes{public_key_der})
        .integer(0, 0);
}

void request_resend(Connection& c, int64_t certificate_id, int64_t officer_id) {
    c.query("SELECT inkan_request_resend($1, $2)", certificate_id, officer_id);
}

void update_subscriber(Connection& c, int64_t application_id, int64_t officer_id, const std::string& name,
                       const std::string& affiliation, const std::string& email) {
    c.query("SELECT inkan_update_subscriber($1, $2, $3, $4, $5)", application_id, officer_id, name, affiliation, email);
}

}  // namespace inkan::store

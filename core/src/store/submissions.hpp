// The web role's only way to write applications: the SECURITY DEFINER
// functions of sql/004, which accept an active officer acting for its own
// active institution (the signer re-checks everything before it signs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct ServerSubmission {
    std::string operation;  // issue, renew, revoke
    int64_t institution_id = 0, officer_id = 0, batch_id = 0;
    int line_no = 0;
    std::string subject_dn;
    std::optional<std::string> profile;  // none for a revocation
    std::string csr_der;                 // empty for a revocation
    std::vector<std::string> dns_names;
    std::string subscriber_name, subscriber_affiliation, subscriber_email;
    std::optional<std::string> fqdn;
    std::string software;
    std::optional<int64_t> old_certificate_id;     // renewal
    std::optional<int64_t> target_certificate_id;  // revocation
    std::optional<int64_t> revocation_reason;
    std::string comment;
};

void submit_server(Connection& c, const ServerSubmission& s);

// A line of a client / S/MIME file (UPKI-FORMATS §3).
struct ClientSubmission {
    std::string operation;  // issue, renew, revoke
    std::string kind;       // client or smime
    int64_t institution_id = 0, officer_id = 0, batch_id = 0;
    int line_no = 0;
    std::string subject_dn;
    std::optional<std::string> profile;       // none for a revocation
    std::optional<int64_t> download_method;   // none for a revocation
    std::string subscriber_name, subscriber_affiliation, subscriber_email;
    std::string end_user_name, pkcs12_name, end_user_affiliation, end_user_email, preset_pin;
    std::optional<int64_t> old_certificate_id;     // renewal
    std::optional<int64_t> target_certificate_id;  // revocation
    std::optional<int64_t> revocation_reason;
    std::string comment;
};

void submit_client(Connection& c, const ClientSubmission& s);
// An officer's first certificate, for the pickup claimed with the PIN (earlier
// uncollected requests for it are cancelled); returns the application's id.
int64_t submit_officer_pickup(Connection& c, int64_t institution_id, int64_t officer_id, int64_t pickup_id,
                              const std::string& public_key_der);
// A renewal by an officer authenticated with the current certificate.
int64_t submit_officer_renewal(Connection& c, int64_t institution_id, int64_t officer_id, const std::string& public_key_der);
// Asks the mailer to send the subscriber a new download link for a valid certificate.
void request_resend(Connection& c, int64_t certificate_id, int64_t officer_id);
void update_subscriber(Connection& c, int64_t application_id, int64_t officer_id, const std::string& name,
                       const std::string& affiliation, const std::string& email);

}  // namespace inkan::store

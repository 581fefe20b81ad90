// What one line of an application file becomes: the operation (UPKI's
// applyType), the application a line that passed every check records, and
// the line's result as the upload answers it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "authz/kinds.hpp"
#include "tsv/line_error.hpp"

namespace inkan::workflow {

// UPKI's applyType numbers.  In an ACME file, issue creates a registration
// (作成), renew updates it (更新), revoke revokes an ACME certificate
// (ACME証明書 失効), suspend stops the registration (停止).
enum class ApplyType { issue = 1, renew = 2, revoke = 3, suspend = 4 };

// A server or ACME line that passed every check, in the form it is recorded.
struct ServerApplication {
    int row = 0;
    ApplyType type = ApplyType::issue;
    std::string subject_dn, profile, csr_der, fqdn, software;
    std::string subscriber_name, subscriber_affiliation, subscriber_email;
    std::vector<std::string> dns_names;  // CN first
    std::optional<int64_t> old_certificate_id;
    std::optional<int> reason;
    std::string comment;
    // ACME files: the registration that column 3 names (update, suspend).
    std::string account_ref;
    std::optional<int64_t> registration_id;
};

// A client or S/MIME line (UPKI-FORMATS §3) that passed every check.
struct ClientApplication {
    int row = 0;
    ApplyType type = ApplyType::issue;
    authz::Kind kind = authz::Kind::client;  // client or smime, from the profile (revocations: the certificate's)
    std::string subject_dn, profile;
    int download_method = 1;  // 1 PKCS#12 per person, 2 one ZIP for the subscriber
    std::string subscriber_name, subscriber_affiliation, subscriber_email;
    std::string end_user_name, pkcs12_name, end_user_affiliation, end_user_email, preset_pin;
    std::optional<int64_t> old_certificate_id;
    std::optional<int> reason;
    std::string comment;
};

struct LineResult {
    int row = 0;
    std::vector<tsv::LineError> errors;
    // Set when errors is empty: the one that fits the file.
    std::optional<ServerApplication> application;
    std::optional<ClientApplication> client;
    std::string subject_dn, fqdn, affiliation, name, mail;  // for the result table
};

}  // namespace inkan::workflow

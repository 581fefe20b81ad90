// Pre-issuance lint of server certificates: inkan's own checks of RFC 5280
// and Baseline Requirements essentials, run on the exact to-be-signed
// certificate.  A finding stops issuance; the application fails with it.
#pragma once

#include <string>
#include <vector>

#include <openssl/x509.h>

namespace inkan::ca {

struct LintExpectations {
    std::string profile;                 // "3" or "11"
    bool expect_crl_dp = false;
    bool expect_ocsp = false;
    std::vector<std::string> policy_oids;
    bool key_encipherment = false;       // RSA keys may also assert keyEncipherment
};

// Empty when the certificate passes; otherwise one line per finding.
std::vector<std::string> lint_server_certificate(X509* cert, X509* issuer, const LintExpectations& expect);

}  // namespace inkan::ca

// Pre-issuance lint of certificates: inkan's own checks of RFC 5280
// and Baseline Requirements essentials, run on the exact to-be-signed
// certificate.  A finding stops issuance; the application fails with it.
#pragma once

#include <string>
#include <vector>

#include <openssl/x509.h>

#include "profile/profile.hpp"

namespace inkan::ca {

struct LintExpectations {
    profile::Profile profile;            // accepted key types
    bool expect_crl_dp = false;
    bool expect_ocsp = false;
    std::vector<std::string> policy_oids;
    bool key_encipherment = false;       // RSA keys may also assert keyEncipherment
    std::vector<std::string> emails;     // a person's certificate: exactly these rfc822Names
    // The request's SubjectPublicKeyInfo when the builder copied it into the
    // certificate (CertSpec::request_spki): its decoded key stands for the
    // certificate's once the TBS is shown to hold exactly those bytes.
    const X509_PUBKEY* request_spki = nullptr;
};

// Empty when the certificate passes; otherwise one line per finding.
std::vector<std::string> lint_server_certificate(X509* cert, X509* issuer, const LintExpectations& expect);
// The lint set the profile names: the TLS server checks above, or the
// essentials every subscriber certificate needs (serial, validity within the
// profile, key, signature, EKU, not a CA).
std::vector<std::string> lint_certificate(X509* cert, X509* issuer, const LintExpectations& expect);

}  // namespace inkan::ca

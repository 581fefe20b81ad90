// Revocation status documents signed by the worker: CRLs (RFC 5280) and
// pre-signed OCSP responses (RFC 6960), both issued directly by the CA.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "crypto/ossl.hpp"

namespace inkan::ca {

struct RevokedEntry {
    std::string serial_hex;
    std::time_t revoked_at = 0;
    int reason = 0;  // RFC 5280 CRLReason
};

// DER of a v2 CRL with the CRL number and AKI extensions.
std::string sign_crl(X509* ca_cert, EVP_PKEY* ca_key, int64_t number, std::time_t this_update, std::time_t next_update,
                     const std::vector<RevokedEntry>& revoked);

struct OcspStatus {
    bool revoked = false;
    std::time_t revoked_at = 0;
    int reason = 0;
};

// DER of a successful OCSPResponse for `cert` with a CertID hashed by
// `certid_digest` (clients ask with SHA-1 or SHA-256 and match the response's
// CertID to their own), responder by key hash, no certificates included: the
// CA signs directly.  Reason unspecified (0) is omitted, as the BRs require.
std::string sign_ocsp(X509* cert, X509* ca_cert, EVP_PKEY* ca_key, const EVP_MD* certid_digest, const OcspStatus& status,
                      std::time_t this_update, std::time_t next_update);

}  // namespace inkan::ca

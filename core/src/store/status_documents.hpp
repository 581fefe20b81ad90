// Repository of the signed status documents: CRLs and pre-signed OCSP
// responses, written by the signer and served by the crl/ocsp endpoints.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

// A certificate's revocation facts, row-locked so that a refresh that
// started earlier cannot overwrite "revoked" with "good".
struct CertificateStatus {
    std::string der, serial;
    int64_t ca_id = 0;
    bool revoked = false;
    std::time_t revoked_at = 0;
    int reason = 0;
};
CertificateStatus lock_certificate_status(Connection& c, int64_t certificate_id);

void put_ocsp_responses(Connection& c, int64_t certificate_id, int64_t ca_id, const std::string& serial,
                        std::time_t this_update, std::time_t next_update, const std::string& sha1_certid_der,
                        const std::string& sha256_certid_der);

// Serializes CRL signing per CA for the rest of the transaction.
void lock_crl_signing(Connection& c, int64_t ca_id);

struct RevokedRow {
    std::string serial;
    std::time_t revoked_at = 0;
    int reason = 0;
};
// Revoked and not yet expired (expired certificates may leave the CRL).
std::vector<RevokedRow> revoked_unexpired(Connection& c, int64_t ca_id);
int64_t next_crl_number(Connection& c, int64_t ca_id);
void put_crl(Connection& c, int64_t ca_id, int64_t number, std::time_t this_update, std::time_t next_update,
             const std::string& der);

// CAs, the root included, that are active or still have valid certificates
// and whose newest CRL is past half its life, older than a revocation, or missing.
std::vector<int64_t> cas_due_for_crl(Connection& c);
// Valid certificates whose OCSP responses are past half their life (at most `limit`).
std::vector<int64_t> certificates_due_for_ocsp(Connection& c, int limit);

struct StatusDocument {
    std::string der;
    std::time_t this_update = 0, next_update = 0;
};
std::optional<StatusDocument> newest_crl(Connection& c, int64_t ca_id);

// The pre-signed response for a serial, with what checking the request's
// CertID needs: the certificate and its issuer.
struct StoredOcsp {
    StatusDocument response;  // for the CertID hash asked for; der empty when not signed yet
    std::string certificate_der, issuer_pem;
};
std::optional<StoredOcsp> ocsp_response_for(Connection& c, const std::string& serial_hex, bool sha256_certid);

}  // namespace inkan::store

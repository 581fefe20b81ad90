// Revocation status the worker publishes into the database: one CRL per CA
// (re-signed on each revocation and before nextUpdate) and one pre-signed
// OCSP response per certificate (on issuance, revocation, and before expiry).
#pragma once

#include <cstdint>
#include <string>

#include "crypto/ossl.hpp"
#include "store/issued.hpp"
#include "store/pg.hpp"
#include "worker/authority.hpp"
#include "worker/keystore.hpp"
#include "worker/round.hpp"

namespace inkan::worker {

void publish_ocsp(store::Connection& c, Round& round, int64_t certificate_id);
// The first responses of a certificate signed in this batch, recorded with
// it: nothing can have revoked it yet (no one sees it before COMMIT), so
// "good" is signed from what the signer holds, without reading it back.
store::FirstOcsp sign_first_ocsp(Round& round, X509* cert, const Authority& ca);
void publish_crl(store::Connection& c, Round& round, int64_t ca_id);
// Re-signs what is past half its validity; returns how many documents.
int refresh_status(store::Connection& c, KeyStore& keys, const std::string& actor);

}  // namespace inkan::worker

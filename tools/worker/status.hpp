// Revocation status the worker publishes into the database: one CRL per CA
// (re-signed on each revocation and before nextUpdate) and one pre-signed
// OCSP response per certificate (on issuance, revocation, and before expiry).
#pragma once

#include <cstdint>
#include <string>

#include "store/pg.hpp"
#include "worker/keystore.hpp"
#include "worker/round.hpp"

namespace inkan::worker {

void publish_ocsp(store::Connection& c, Round& round, int64_t certificate_id);
void publish_crl(store::Connection& c, Round& round, int64_t ca_id);
// Re-signs what is past half its validity; returns how many documents.
int refresh_status(store::Connection& c, KeyStore& keys, const std::string& actor);

}  // namespace inkan::worker

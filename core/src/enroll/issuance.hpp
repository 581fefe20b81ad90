// Officer certificates without waiting: the RA generates the key pair,
// queues the application and keeps the private key sealed (AES-256-GCM) in
// pending_keys under a key that only the requester receives ("resume").  The
// requester collects the PKCS#12 once the signer has issued the certificate;
// until then no RA thread waits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/ossl.hpp"
#include "store/chains.hpp"
#include "store/pg.hpp"

namespace inkan::enroll {

struct Queued {
    int64_t application_id = 0;
    std::string resume;  // base64url sealing key: shown to the requester only, never stored
    int64_t valid_minutes = 0;
};

// operation: "issue" (pickup_id set, inside the claiming transaction's
// aftermath) or "renew".
Queued queue_officer_certificate(store::Connection& c, int64_t officer_id, int64_t institution_id,
                                 std::optional<int64_t> pickup_id, const std::string& operation);

struct Collected {
    crypto::PKey key;
    store::Chained issued;
};

// The key and certificate once issued (the pending key is then destroyed);
// empty while the signer has not finished.  Errors: 516 nothing to collect
// (collected, expired or unknown), 510 wrong resume value, 514 the signer did
// not issue (the pickup opens again).
std::optional<Collected> collect_officer_certificate(store::Connection& c, int64_t application_id,
                                                     const std::string& resume, const std::string& actor);

}  // namespace inkan::enroll

// Officer certificates without waiting: the RA generates the key pair,
// queues the application and keeps the private key sealed (AES-256-GCM) in
// pending_keys under a key that only the requester receives ("resume").  The
// requester collects the PKCS#12 once the signer has issued the certificate;
// until then no RA thread waits.
#pragma once

#include <cstdint>
#include <ctime>
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

// A first certificate for the pickup claimed with the PIN (pickup_id), or a
// renewal (no pickup).
Queued queue_officer_certificate(store::Connection& c, int64_t officer_id, int64_t institution_id,
                                 std::optional<int64_t> pickup_id);

// A PKCS#12 of the key and its certificate chain, under a fresh one-time password.
struct Collected {
    std::string pkcs12, password, serial, subject;
    std::time_t not_after = 0;
};

// The PKCS#12 once issued, empty while the signer has not finished.  The
// first collection completes the pickup; the sealed key then stays for a
// two-minute grace period (a page the browser lost can be fetched again with
// the same key) and is dropped.  Errors: 516 nothing to collect (collected
// and expired, unknown, or a key that does not open it -- one answer, so an
// outsider learns nothing), 514 the signer did not issue (the pickup opens
// again).
std::optional<Collected> collect_officer_certificate(store::Connection& c, int64_t application_id,
                                                     const std::string& resume, const std::string& actor);

}  // namespace inkan::enroll

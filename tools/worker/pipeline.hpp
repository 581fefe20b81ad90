// One issuance pipeline for every kind of certificate:
//   claim by priority -> re-authorize -> build from the profile -> lint ->
//   sign -> record -> the profile's delivery step.
// One claimed application at a time, inside one transaction: a crash before
// COMMIT leaves it queued and nothing recorded; row locks keep two workers
// off the same row.
#pragma once

#include <string>

#include "store/pg.hpp"
#include "worker/keystore.hpp"

namespace inkan::worker {

// Issues the next queued issue or renewal; false when none is queued.
bool issue_next(store::Connection& c, KeyStore& keys, const std::string& actor);

// Carries out the next queued revocation; false when none is queued.
bool revoke_next(store::Connection& c, KeyStore& keys, const std::string& actor);

}  // namespace inkan::worker

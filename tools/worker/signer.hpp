// Signs queued applications.  One claimed row at a time, inside one
// transaction: a crash before COMMIT leaves the application queued and no
// certificate recorded; row locks keep two workers off the same row.
#pragma once

#include <string>

#include "store/pg.hpp"
#include "worker/keystore.hpp"

namespace inkan::worker {

// Signs the oldest queued officer application; false when none is queued.
bool sign_next_officer(store::Connection& c, KeyStore& keys, const std::string& actor);

}  // namespace inkan::worker

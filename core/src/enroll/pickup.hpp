// Officer certificate pickup: a mailed link token plus an access PIN handed
// over out of band.  Wrong PINs are counted; too many lock the pickup.
#pragma once

#include <cstdint>
#include <string>

#include "store/pg.hpp"

namespace inkan::enroll {

struct Pickup {
    int64_t id = 0;
    int64_t officer_id = 0;
    int64_t institution_id = 0;
    std::string officer_name;
    int attempts_left = 0;  // wrong PINs before the pickup locks
};

// The pickup a link token names, if it may still be used (else Error 510/512/215).
Pickup open_pickup(store::Connection& c, const std::string& token);

// Checks the PIN (counting failures, Error 511 / 512) and marks the pickup as
// issuing so that a second submission cannot start a parallel issuance.
Pickup claim_pickup(store::Connection& c, const std::string& token, const std::string& pin, const std::string& peer);

// Opens a claimed pickup again when its certificate could not be requested.
void release_pickup(store::Connection& c, const Pickup& p);

struct NewPickup {
    int64_t id = 0;
    std::string pin;  // shown once to the service desk, stored only hashed
    std::string expires_at;
    std::string mailed_to;
};

// Supersedes the officer's unfinished pickups, creates a new link and PIN,
// and queues the pickup-link mail, all in one transaction.
NewPickup create_pickup(store::Connection& c, int64_t officer_id, const std::string& actor);


}  // namespace inkan::enroll

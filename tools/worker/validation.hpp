// ACME challenge validation (RFC 8555 §8.3 http-01, §8.4 dns-01), in the
// mailer process: it holds no CA key, and it is the process that talks to the
// outside world anyway.  The web server only marks a challenge "processing";
// the outcome is recorded here, with this process's database role.
#pragma once

#include <string>

#include "store/pg.hpp"

namespace inkan::worker {

// Validates the oldest challenge waiting; false when none waits.
bool validate_next_challenge(store::Connection& c, const std::string& actor);

}  // namespace inkan::worker

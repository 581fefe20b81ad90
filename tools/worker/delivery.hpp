// The mailer's half of the pipeline: carries out each handed-over
// certificate's delivery as its profile says -- a download link mailed to the
// subscriber, a revocation notice, or nothing for an officer pickup (the
// pickup page fetches the certificate itself).  Runs in the process that
// holds no CA key; the token and the mail are written in the claiming
// transaction, so a crash delivers neither or both, once.
#pragma once

#include <string>

#include "store/pg.hpp"

namespace inkan::worker {

// Delivers the oldest pending hand-over; false when there is none.
bool deliver_next(store::Connection& c, const std::string& actor);

}  // namespace inkan::worker

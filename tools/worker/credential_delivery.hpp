// The mailer's part of a client or S/MIME certificate (UPKI-FORMATS §3, §9):
// file the credential into the subscriber's PIN file for its upload (one
// link mailed per file) and, for download method 1, mail the end user a link
// of their own, which works only once the PINs were fetched.
#pragma once

#include "store/deliveries.hpp"
#include "store/pg.hpp"

namespace inkan::worker {

void deliver_credential(store::Connection& c, const store::PendingDelivery& d);

}  // namespace inkan::worker

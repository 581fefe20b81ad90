// The answers of every page that takes an access PIN (the officer's pickup,
// an end user's PKCS#12): a wrong PIN says how many tries are left, a locked
// link says who opens it again.
#pragma once

#include "store/pg.hpp"
#include "util/error.hpp"

namespace inkan::enroll {

// 511
Error wrong_pin(int attempts_left);
// 512: `remedy` says who opens the link again; the service desk's contact
// (setting service_desk_contact) follows when there is one.
Error pin_locked(store::Connection& c, const Message& remedy);

}  // namespace inkan::enroll

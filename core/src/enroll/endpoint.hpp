// The enroll endpoint (JSON; the console's pickup and renewal pages use it):
// officer certificate pickup with an access PIN, renewal by presenting the
// current officer certificate, and collection of the PKCS#12.
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::enroll {

http::Response serve(store::Pool& pool, const http::Request& req);

}  // namespace inkan::enroll

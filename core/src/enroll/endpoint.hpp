// The enroll endpoint: officer certificate pickup with an access PIN, and
// renewal by presenting the current officer certificate.
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::enroll {

http::Response serve(store::Pool& pool, const http::Request& req);

}  // namespace inkan::enroll

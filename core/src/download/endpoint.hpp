// The download endpoint: subscribers follow the mailed link to a landing
// page; the download itself is an explicit POST, so mail scanners that
// prefetch links fetch nothing and count nothing.
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::download {

http::Response serve(store::Pool& pool, const http::Request& req);

}  // namespace inkan::download

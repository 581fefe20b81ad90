// The officer endpoint: the officer's home page, /api/v1/me and logout.
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::officer {

http::Response serve(store::Pool& pool, const http::Request& req);

}  // namespace inkan::officer

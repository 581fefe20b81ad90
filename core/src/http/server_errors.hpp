// The "error" endpoint: inkan's ja/en page (or JSON) for errors that nginx
// or Apache answer before inkan runs (error_page / ErrorDocument point at
// <mount>/<status>), so a person sees the same kind of page and code as for
// inkan's own errors.
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::http {

Response serve_server_error(store::Pool& pool, const Request& req);

}  // namespace inkan::http

// The acme endpoint: RFC 8555 with External Account Binding required.  The
// directory is at <location>/directory; every URL it names is built from the
// request's Host and the configured location.
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::acme {

http::Response serve(store::Pool& pool, const http::Request& req);

}  // namespace inkan::acme

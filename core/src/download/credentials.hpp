// The subscriber's and end users' side of client and S/MIME certificates
// (UPKI-FORMATS §3, §9): the one-time PIN file (a ZIP of a TSV: name, mail,
// PIN, DN), the bulk ZIP of PKCS#12 files (download method 2), and each end
// user's PKCS#12, handed out for the right PIN once the PINs were fetched.
// Every PKCS#12 is destroyed in the database as it is handed out.
#pragma once

#include "http/request.hpp"
#include "util/error.hpp"
#include "store/pool.hpp"

namespace inkan::download {

// 517: the end user's link waits for the subscriber to fetch the PINs.
Error pins_not_fetched();

http::Response show_pin_file(store::Pool& pool, const http::Request& req);
http::Response fetch_pin_file(store::Pool& pool, const http::Request& req);
http::Response fetch_bulk(store::Pool& pool, const http::Request& req);
http::Response show_credential(store::Pool& pool, const http::Request& req);
http::Response collect_credential(store::Pool& pool, const http::Request& req);

}  // namespace inkan::download

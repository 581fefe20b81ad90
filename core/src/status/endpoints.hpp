// Public revocation status, served from what the worker signed:
//   crl  endpoint: GET <ca id>.crl (DER CRL), GET <ca id>.crt (DER CA certificate)
//   ocsp endpoint: RFC 6960 GET (base64 request in the path) and POST
#pragma once

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::status {

http::Response serve_crl(store::Pool& pool, const http::Request& req);
http::Response serve_ocsp(store::Pool& pool, const http::Request& req);

}  // namespace inkan::status

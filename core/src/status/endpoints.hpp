// Public revocation status, served from what the worker signed:
//   crl  endpoint: GET <ca id>.crl (DER CRL), GET <ca id>.crt (DER CA certificate)
//   ocsp endpoint: RFC 6960 GET (base64 request in the path) and POST
// CRLs and OCSP responses come from the in-memory cache when it has them
// (status/cache.hpp), from the database otherwise.
#pragma once

#include <optional>

#include "http/request.hpp"
#include "status/cache.hpp"
#include "store/pool.hpp"

namespace inkan::status {

http::Response serve_crl(store::Pool& pool, Cache& cache, const http::Request& req);
http::Response serve_ocsp(store::Pool& pool, Cache& cache, const http::Request& req);

// The answer to a GET of a CRL or an OCSP response if the cache holds it;
// never touches the database, so the server may call it on its event loop.
std::optional<http::Response> serve_cached(Cache& cache, const http::Request& req);

}  // namespace inkan::status

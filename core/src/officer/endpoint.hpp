// The officer endpoint: the JSON API the console and scripts use (described by
// core/api/openapi.json, served at /ra/api/v1/openapi.json).  It answers JSON
// only; the console is a static app the web server serves next to it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "store/pool.hpp"

namespace inkan::officer {

// The (method, path pattern) of every route, for the test that holds them
// against the OpenAPI document.
std::vector<std::pair<std::string, std::string>> api_routes();

// The OpenAPI 3.1 document of the officer API (core/api/openapi.json, embedded).
std::string_view openapi_document();

http::Response serve(store::Pool& pool, const http::Request& req);

}  // namespace inkan::officer

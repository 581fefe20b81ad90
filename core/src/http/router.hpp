// The one router of every endpoint: method + path pattern -> handler.
// Patterns are literal paths below the mount, with at most one "{id}" (a
// decimal object id, up to 18 digits) or a trailing "{*}" (any rest of the
// path, possibly empty; the handler reads the path itself).  HEAD is served by GET routes.  A path no route
// knows is 404 (531); a known path with another method is 405 (532) with an
// Allow header listing the methods it takes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "util/error.hpp"

namespace inkan::http {

template <class Handler>
struct Route {
    const char* method;
    const char* pattern;
    Handler handler;
};

struct Captured {
    int64_t id = 0;  // from {id}
};

// Whether `path` fits `pattern`; fills `out` with the capture.
bool path_matches(std::string_view pattern, std::string_view path, Captured& out);
bool method_matches(std::string_view route_method, std::string_view request_method);
Error not_found();
Error method_not_allowed(const std::string& allow);

template <class Handler>
struct Match {
    Handler handler;
    Captured captured;
};

template <class Handler>
Match<Handler> route(std::span<const Route<Handler>> routes, const Request& req) {
    std::string allow;
    for (const auto& r : routes) {
        Captured captured;
        if (!path_matches(r.pattern, req.path, captured)) continue;
        if (method_matches(r.method, req.method)) return {r.handler, std::move(captured)};
        std::string m = r.method;
        if (m == "GET") m += ", HEAD";
        if (allow.find(m) == std::string::npos) allow += (allow.empty() ? "" : ", ") + m;
    }
    if (!allow.empty()) throw method_not_allowed(allow);
    throw not_found();
}

}  // namespace inkan::http

#include "officer/endpoint.hpp"

#include <array>

#include "officer/auth.hpp"
#include "officer/handlers.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
struct Route {
    const char* method;
    const char* path;
    Handler handler;
};

constexpr std::array kRoutes = {
    Route{"GET", "/", home_page},
    Route{"GET", "/api/v1/me", me},
    Route{"POST", "/logout", logout},
    Route{"POST", "/api/v1/logout", logout},
    Route{"GET", "/server/", upload_form},
    Route{"POST", "/server/upload", upload},
    Route{"POST", "/api/v1/batches", upload},
};

// HEAD is served as GET (the servers drop the body).
bool method_matches(const std::string& route, const std::string& method) {
    return route == method || (route == std::string("GET") && method == "HEAD");
}
}  // namespace

http::Response serve(store::Pool& pool, const http::Request& req) {
    std::string fingerprint = presented_fingerprint(req);
    return pool.with([&](store::Connection& c) {
        Identity who = authenticate(c, fingerprint);
        Session session = touch_session(c, who, req.peer);
        Context ctx{c, req, who, session};
        bool path_known = false;
        for (const Route& r : kRoutes) {
            if (req.path != r.path) continue;
            path_known = true;
            if (method_matches(r.method, req.method)) return r.handler(ctx);
        }
        if (path_known) throw Error(codes::kMethodNotAllowed, {"このメソッドは使用できません。", "Method not allowed."}, 405);
        throw Error(codes::kNotFound, {"ページが見つかりません。", "Page not found."}, 404);
    });
}

}  // namespace inkan::officer

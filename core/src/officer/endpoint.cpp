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

// "{id}" matches a decimal object id, handed to the handler as ctx.id.
constexpr std::array kRoutes = {
    Route{"GET", "/", home_page},
    Route{"GET", "/api/v1/me", me},
    Route{"POST", "/logout", logout},
    Route{"POST", "/api/v1/logout", logout},
    Route{"GET", "/server/", upload_form},
    Route{"POST", "/server/upload", upload},
    Route{"POST", "/api/v1/batches", upload},
    Route{"GET", "/server/certificates", certificate_list},
    Route{"GET", "/api/v1/certificates", certificate_list},
    Route{"GET", "/server/certificates/{id}", certificate_detail},
    Route{"GET", "/api/v1/certificates/{id}", certificate_detail},
    Route{"POST", "/api/v1/certificates/{id}/subscriber", subscriber_update},
    Route{"POST", "/server/certificates/{id}/subscriber", subscriber_update},
    Route{"GET", "/api/v1/exports/serverAll.tsv", inventory_export},
    Route{"GET", "/server/statistics", statistics},
    Route{"GET", "/api/v1/statistics", statistics},
    Route{"GET", "/api/v1/allowlist.tsv", allowlist_download},
};

// Matches `path` against `pattern`; on a match, stores any {id} in *id.
bool path_matches(std::string_view pattern, std::string_view path, int64_t* id) {
    size_t brace = pattern.find("{id}");
    if (brace == std::string_view::npos) return pattern == path;
    if (path.substr(0, brace) != pattern.substr(0, brace)) return false;
    std::string_view rest = path.substr(brace), tail = pattern.substr(brace + 4);
    size_t digits = 0;
    while (digits < rest.size() && digits < 18 && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0 || rest.substr(digits) != tail) return false;
    *id = std::stoll(std::string(rest.substr(0, digits)));
    return true;
}

// HEAD is served as GET (the servers drop the body).
bool method_matches(const std::string& route, const std::string& method) {
    return route == method || (route == std::string("GET") && method == "HEAD");
}
}  // namespace

http::Response serve(store::Pool& pool, const http::Request& req) {
    std::string fingerprint = presented_fingerprint(req);
    auto handle = [&](store::Connection& c) {
        Identity who = authenticate(c, fingerprint);
        Session session = touch_session(c, who, req.peer);
        Context ctx{c, req, who, session};
        bool path_known = false;
        for (const Route& r : kRoutes) {
            if (!path_matches(r.path, req.path, &ctx.id)) continue;
            path_known = true;
            if (method_matches(r.method, req.method)) return r.handler(ctx);
        }
        if (path_known) throw Error(codes::kMethodNotAllowed, {"このメソッドは使用できません。", "Method not allowed."}, 405);
        throw Error(codes::kNotFound, {"ページが見つかりません。", "Page not found."}, 404);
    };
    // A GET only reads (and touches the session): safe to run again on a fresh connection.
    bool reads = req.method == "GET" || req.method == "HEAD";
    return reads ? pool.with_idempotent(handle) : pool.with(handle);
}

}  // namespace inkan::officer

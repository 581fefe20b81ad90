#include "officer/endpoint.hpp"

#include <array>

#include "http/router.hpp"
#include "officer/auth.hpp"
#include "officer/handlers.hpp"

namespace inkan::officer {

namespace {
using Route = http::Route<Handler>;

// "{id}" is handed to the handler as ctx.id.
constexpr std::array kRoutes = {
    Route{"GET", "/", home_page},
    Route{"GET", "/api/v1/me", me},
    Route{"POST", "/logout", logout},
    Route{"POST", "/api/v1/logout", logout},
    Route{"GET", "/server/", upload_form},
    Route{"POST", "/server/upload", upload},
    Route{"POST", "/api/v1/batches", upload},
    Route{"GET", "/api/v1/batches", batch_list},
    Route{"GET", "/api/v1/batches/{id}", batch_detail},
    Route{"GET", "/api/v1/batches/{id}/file", batch_file},
    Route{"GET", "/server/certificates", certificate_list},
    Route{"GET", "/api/v1/certificates", certificate_list},
    Route{"GET", "/server/certificates/{id}", certificate_detail},
    Route{"GET", "/api/v1/certificates/{id}", certificate_detail},
    Route{"POST", "/api/v1/certificates/{id}/subscriber", subscriber_update},
    Route{"POST", "/server/certificates/{id}/subscriber", subscriber_update},
    Route{"POST", "/api/v1/certificates/{id}/revoke", revoke_certificate},
    Route{"POST", "/api/v1/certificates/{id}/renew", renew_certificate},
    Route{"POST", "/api/v1/certificates/{id}/resend", resend_link},
    Route{"GET", "/api/v1/exports/serverAll.tsv", inventory_export},
    Route{"GET", "/server/statistics", statistics},
    Route{"GET", "/api/v1/statistics", statistics},
    Route{"GET", "/api/v1/allowlist.tsv", allowlist_download},
    Route{"GET", "/api/v1/openapi.json", openapi},
};
}  // namespace

std::vector<std::pair<std::string, std::string>> api_routes() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : kRoutes) {
        if (std::string_view(r.pattern).rfind("/api/", 0) == 0) out.emplace_back(r.method, r.pattern);
    }
    return out;
}

http::Response serve(store::Pool& pool, const http::Request& req) {
    std::string fingerprint = presented_fingerprint(req);
    auto handle = [&](store::Connection& c) {
        Identity who = authenticate(c, fingerprint);
        Session session = touch_session(c, who, req.peer);
        Context ctx{c, req, who, session};
        // Routed after authentication: without a certificate, no path is revealed.
        auto match = http::route(std::span<const Route>(kRoutes), req);
        ctx.id = match.captured.id;
        return match.handler(ctx);
    };
    // Not with_idempotent: even a GET writes (session, login and view audit rows).
    return pool.with(handle);
}

}  // namespace inkan::officer

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
    Route{"GET", "/v1/me", me},
    Route{"POST", "/v1/me/language", set_language},
    Route{"POST", "/v1/logout", logout},
    Route{"POST", "/v1/batches", upload},
    Route{"GET", "/v1/batches", batch_list},
    Route{"GET", "/v1/batches/{id}", batch_detail},
    Route{"GET", "/v1/batches/{id}/file", batch_file},
    Route{"GET", "/v1/certificates", certificate_list},
    Route{"GET", "/v1/certificates/{id}", certificate_detail},
    Route{"GET", "/v1/certificates/{id}/download", certificate_download},
    Route{"POST", "/v1/certificates/{id}/subscriber", subscriber_update},
    Route{"POST", "/v1/certificates/{id}/revoke", revoke_certificate},
    Route{"POST", "/v1/certificates/{id}/renew", renew_certificate},
    Route{"POST", "/v1/certificates/{id}/resend", resend_link},
    Route{"GET", "/v1/client-certificates", client_certificate_list},
    Route{"GET", "/v1/client-certificates/{id}", client_certificate_detail},
    Route{"POST", "/v1/client-certificates/{id}/revoke", revoke_client_certificate},
    Route{"POST", "/v1/client-certificates/{id}/renew", renew_client_certificate},
    Route{"GET", "/v1/exports/serverAll.tsv", inventory_export},
    Route{"GET", "/v1/exports/clientAll.tsv", client_inventory_export},
    Route{"GET", "/v1/statistics", statistics},
    Route{"GET", "/v1/allowlist", allowlist},
    Route{"GET", "/v1/allowlist.tsv", allowlist_download},
    Route{"GET", "/v1/acme/registrations", acme_registration_list},
    Route{"POST", "/v1/acme/registrations", acme_registration_create},
    Route{"GET", "/v1/acme/registrations/{id}", acme_registration_detail},
    Route{"POST", "/v1/acme/registrations/{id}/update", acme_registration_update},
    Route{"POST", "/v1/acme/registrations/{id}/suspend", acme_registration_suspend},
    Route{"GET", "/v1/openapi.json", openapi},
};
}  // namespace

std::vector<std::pair<std::string, std::string>> api_routes() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : kRoutes) out.emplace_back(r.method, r.pattern);
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

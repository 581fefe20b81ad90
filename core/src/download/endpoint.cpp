#include "download/endpoint.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "crypto/digest.hpp"
#include "crypto/x509.hpp"
#include "download/credentials.hpp"
#include "download/formats.hpp"
#include "http/fields.hpp"
#include "http/router.hpp"
#include "mail/templates.hpp"
#include "store/audit.hpp"
#include "store/chains.hpp"
#include "store/tokens.hpp"
#include "tsv/table.hpp"
#include "util/codes.hpp"

namespace inkan::download {

namespace {
Error denied() {
    return Error(codes::kLinkDenied, {"指定されたURLへのアクセスは拒否されました。", "Access to this URL was denied."}, 403);
}

using Target = store::DownloadTarget;

Target find(store::Connection& c, const std::string& token, bool lock) {
    auto target = store::download_target(c, crypto::sha256(token), lock);
    if (!target) throw denied();
    return *target;
}

// The first download completes the application: the officer gets the
// completion notice (with a revocation line for the old certificate after
// a renewal).
void first_download(store::Connection& c, const Target& t) {
    auto facts = store::completion_facts(c, t.certificate_id);
    std::string line;
    if (!facts.old_serial.empty()) line = tsv::server_revocation_line(facts.old_subject_dn, facts.old_serial);
    mail::enqueue(c, mail::server_issued(facts.officer_email, t.subject_dn, t.serial, line, facts.old_serial));
}

// What the link is for (the console's download page shows it).  Showing
// consumes nothing: a mail scanner that follows the link changes nothing.
http::Response show(store::Pool& pool, const http::Request& req) {
    std::string token = http::text_field(req.query_params(), "t");
    if (token.empty()) throw denied();
    Target t = pool.with_idempotent([&](store::Connection& c) { return find(c, token, false); });
    nlohmann::json body = {{"subject_dn", t.subject_dn},
                           {"serial", t.serial},
                           {"not_after", t.not_after},
                           {"revoked", t.revoked},
                           {"formats", {"pem", "fullchain", "chain", "p7b", "der"}}};
    http::Response resp = http::Response::json(200, body.dump());
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
}

http::Response fetch(store::Pool& pool, const http::Request& req) {
    auto form = req.form();
    std::string token = http::text_field(form, "t"), format = http::text_field(form, "format");
    if (token.empty()) throw denied();
    return pool.with([&](store::Connection& c) {
        store::Transaction tx(c);
        Target t = find(c, token, true);
        if (t.revoked) throw denied();
        auto chained = store::load_with_issuers(c, t.certificate_id);
        chained.issuers.pop_back();  // subscribers install the chain below the root
        File file = render(format, chained.cert.get(), chained.issuers);
        if (t.first_download.empty()) first_download(c, t);
        store::count_download(c, t.token_id);
        audit::append(c, "subscriber:" + req.peer, "certificate.downloaded", "certificate:" + std::to_string(t.certificate_id),
                      {{"format", format}, {"first", t.first_download.empty()}});
        tx.commit();
        http::Response resp{200, {{"Content-Type", file.content_type},
                                  {"Content-Disposition", "attachment; filename=\"" + t.serial + "." + file.extension + "\""},
                                  {"Cache-Control", "no-store"},
                                  {"X-Content-Type-Options", "nosniff"}},
                            std::move(file.body)};
        return resp;
    });
}

using Route = http::Route<http::Response (*)(store::Pool&, const http::Request&)>;
constexpr std::array kRoutes = {Route{"GET", "/", show},
                                Route{"POST", "/", fetch},
                                Route{"GET", "/pins", show_pin_file},
                                Route{"POST", "/pins", fetch_pin_file},
                                Route{"POST", "/pins/bulk", fetch_bulk},
                                Route{"GET", "/credential", show_credential},
                                Route{"POST", "/credential", collect_credential}};
}  // namespace

http::Response serve(store::Pool& pool, const http::Request& req) {
    return http::route(std::span<const Route>(kRoutes), req).handler(pool, req);
}

}  // namespace inkan::download

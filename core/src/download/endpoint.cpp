#include "download/endpoint.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "crypto/digest.hpp"
#include "crypto/x509.hpp"
#include "download/formats.hpp"
#include "http/fields.hpp"
#include "http/page.hpp"
#include "http/router.hpp"
#include "mail/templates.hpp"
#include "store/audit.hpp"
#include "store/chains.hpp"
#include "store/tokens.hpp"
#include "tsv/table.hpp"
#include "util/codes.hpp"

namespace inkan::download {

namespace {
using http::escape;
using http::pick;

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

http::Response landing(const http::Request& req, const std::string& token, const Target& t) {
    http::Lang lang = req.lang();
    std::string form = "<form method=\"post\" action=\"" + escape(req.link("")) +
                       "\"><input type=\"hidden\" name=\"t\" value=\"" + escape(token) + "\">";
    for (const auto& [fmt, label] : std::vector<std::pair<std::string, Message>>{
             {"pem", {"証明書 (PEM)", "Certificate (PEM)"}},
             {"fullchain", {"証明書と中間CA証明書 (PEM)", "Certificate and intermediate CAs (PEM)"}},
             {"chain", {"中間CA証明書 (PEM)", "Intermediate CA certificates (PEM)"}},
             {"p7b", {"PKCS#7", "PKCS#7"}},
             {"der", {"証明書 (DER)", "Certificate (DER)"}}}) {
        form += "<button type=\"submit\" name=\"format\" value=\"" + fmt + "\">" + escape(pick(lang, label)) + "</button> ";
    }
    form += "</form>";
    std::string body = "<dl><dt>" + escape(pick(lang, {"主体者DN", "Subject DN"})) + "</dt><dd>" + escape(t.subject_dn) +
                       "</dd><dt>" + escape(pick(lang, {"シリアル番号", "Serial number"})) + "</dt><dd><code>" +
                       escape(t.serial) + "</code></dd><dt>" + escape(pick(lang, {"有効期限", "Valid until"})) +
                       "</dt><dd>" + escape(t.not_after_date) + "</dd></dl>" +
                       (t.revoked ? "<p class=\"error\">" + escape(pick(lang, {"この証明書は失効しています。", "This certificate is revoked."})) + "</p>" : form);
    return http::page(req, 200, {"証明書の取得", "Certificate download"}, std::move(body));
}

// The landing page only shows: a mail scanner that follows the link consumes nothing.
http::Response show(store::Pool& pool, const http::Request& req) {
    std::string token = http::text_field(req.query_params(), "t");
    if (token.empty()) throw denied();
    Target t = pool.with_idempotent([&](store::Connection& c) { return find(c, token, false); });
    return landing(req, token, t);
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
constexpr std::array kRoutes = {Route{"GET", "/", show}, Route{"POST", "/", fetch}};
}  // namespace

http::Response serve(store::Pool& pool, const http::Request& req) {
    return http::route(std::span<const Route>(kRoutes), req).handler(pool, req);
}

}  // namespace inkan::download

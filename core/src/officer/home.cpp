// The officer's menu, /api/v1/me and logout.
#include <nlohmann/json.hpp>

#include "http/page.hpp"
#include "officer/endpoint.hpp"
#include "officer/functions.hpp"
#include "officer/handlers.hpp"

namespace inkan::officer {

namespace {
using http::escape;
using nlohmann::json;

// Where each function's page lives; functions without a page yet are listed plainly.
const char* function_link(const std::string& id) {
    if (id == "server") return "server/";
    return nullptr;
}
}  // namespace

http::Response me(Context& ctx) {
    const auto& grants = ctx.grants();
    json g = json::array(), domains = json::array(), functions = json::array();
    for (const auto& grant : grants) {
        g.push_back({{"domain", grant.domain},
                     {"subtree", grant.subtree.empty() ? json(nullptr) : json(grant.subtree)},
                     {"kinds", authz::to_strings(grant.kinds)},
                     {"actions", authz::to_strings(grant.actions)}});
        if (std::find(domains.begin(), domains.end(), grant.domain) == domains.end()) domains.push_back(grant.domain);
    }
    for (const auto& f : granted_functions(grants)) functions.push_back(f.id);
    const Identity& who = ctx.who;
    json body = {{"officer", {{"id", who.officer_id}, {"name", who.name}, {"email", who.email}}},
                 {"institution", {{"id", who.institution_id}, {"name", who.institution}}},
                 {"certificate", {{"serial", who.serial}, {"not_after", who.not_after}, {"renewable", who.renewable}}},
                 {"domains", domains},
                 {"grants", g},
                 {"functions", functions},
                 {"session", {{"id", ctx.session.id}}},
                 {"csrf_token", ctx.session.csrf_token}};
    return http::Response::json(200, body.dump());
}

http::Response openapi(Context&) { return http::Response::json(200, std::string(openapi_document())); }

http::Response home_page(Context& ctx) {
    const auto& req = ctx.req;
    const auto& who = ctx.who;
    http::Lang lang = req.lang();
    std::string body = "<p>" + escape(who.name) + " (" + escape(who.institution) + ")</p>";
    body += "<p>" + escape(http::pick(lang, {"証明書シリアル番号", "Certificate serial"})) + ": <code>" +
            escape(who.serial) + "</code>, " + escape(http::pick(lang, {"有効期限", "valid until"})) + " " +
            escape(who.not_after) + "</p>";
    body += "<h2>" + escape(http::pick(lang, {"担当ドメイン", "Domains"})) + "</h2><ul>";
    for (const auto& g : ctx.grants()) {
        body += "<li><code>" + escape(g.subtree.empty() ? g.domain : g.subtree) + "</code></li>";
    }
    body += "</ul><h2>" + escape(http::pick(lang, {"機能", "Functions"})) + "</h2><ul class=\"functions\">";
    for (const auto& f : granted_functions(ctx.grants())) {
        if (f.id == "logout") continue;
        std::string label = escape(http::pick(lang, f.label));
        const char* link = function_link(f.id);
        body += "<li data-function=\"" + escape(f.id) + "\">" +
                (link ? "<a href=\"" + escape(req.link(link)) + "\">" + label + "</a>" : label) + "</li>";
    }
    body += "</ul><form method=\"post\" action=\"" + escape(req.link("logout")) +
            "\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(ctx.session.csrf_token) +
            "\"><button type=\"submit\">" + escape(http::pick(lang, {"ログアウト", "Log out"})) + "</button></form>";
    return http::page(req, 200, {"登録担当者メニュー", "Registration officer menu"}, std::move(body));
}

http::Response logout(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    end_session(ctx.c, ctx.who, ctx.session);
    if (ctx.req.wants_json()) return http::Response::json(200, R"({"logged_out":true})");
    return http::page(ctx.req, 200, {"ログアウトしました", "Logged out"},
                      "<p>ログアウトしました。ブラウザを終了してください。</p><p lang=\"en\">You are logged out. "
                      "Close the browser to forget the certificate selection.</p>");
}

}  // namespace inkan::officer

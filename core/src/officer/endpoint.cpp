#include "officer/endpoint.hpp"

#include <nlohmann/json.hpp>

#include "http/page.hpp"
#include "officer/auth.hpp"
#include "officer/functions.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
using http::escape;
using http::Request;
using http::Response;
using nlohmann::json;

json me_json(const Identity& who, const std::vector<Grant>& grants, const Session& s) {
    json g = json::array(), domains = json::array(), functions = json::array();
    for (const auto& grant : grants) {
        g.push_back({{"domain", grant.domain},
                     {"subtree", grant.subtree.empty() ? json(nullptr) : json(grant.subtree)},
                     {"kinds", grant.kinds},
                     {"actions", grant.actions}});
        if (std::find(domains.begin(), domains.end(), grant.domain) == domains.end()) domains.push_back(grant.domain);
    }
    for (const auto& f : granted_functions(grants)) functions.push_back(f.id);
    return {{"officer", {{"id", who.officer_id}, {"name", who.name}, {"email", who.email}}},
            {"institution", {{"id", who.institution_id}, {"name", who.institution}}},
            {"certificate", {{"serial", who.serial}, {"not_after", who.not_after}, {"renewable", who.renewable}}},
            {"domains", domains},
            {"grants", g},
            {"functions", functions},
            {"session", {{"id", s.id}}},
            {"csrf_token", s.csrf_token}};
}

Response home_page(const Request& req, const Identity& who, const std::vector<Grant>& grants, const Session& s) {
    http::Lang lang = req.lang();
    std::string body = "<p>" + escape(who.name) + " (" + escape(who.institution) + ")</p>";
    body += "<p>" + escape(http::pick(lang, {"証明書シリアル番号", "Certificate serial"})) + ": <code>" +
            escape(who.serial) + "</code>, " + escape(http::pick(lang, {"有効期限", "valid until"})) + " " +
            escape(who.not_after) + "</p>";
    body += "<h2>" + escape(http::pick(lang, {"担当ドメイン", "Domains"})) + "</h2><ul>";
    for (const auto& g : grants) {
        body += "<li><code>" + escape(g.subtree.empty() ? g.domain : g.subtree) + "</code></li>";
    }
    body += "</ul><h2>" + escape(http::pick(lang, {"機能", "Functions"})) + "</h2><ul class=\"functions\">";
    for (const auto& f : granted_functions(grants)) {
        if (f.id == "logout") continue;
        body += "<li data-function=\"" + escape(f.id) + "\">" + escape(http::pick(lang, f.label)) + "</li>";
    }
    body += "</ul><form method=\"post\" action=\"" + escape(req.link("logout")) +
            "\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(s.csrf_token) + "\"><button type=\"submit\">" +
            escape(http::pick(lang, {"ログアウト", "Log out"})) + "</button></form>";
    return http::page(req, 200, {"登録担当者メニュー", "Registration officer menu"}, std::move(body));
}

Response logged_out(const Request& req) {
    if (req.wants_json()) return Response::json(200, R"({"logged_out":true})");
    return http::page(req, 200, {"ログアウトしました", "Logged out"},
                      "<p>ログアウトしました。ブラウザを終了してください。</p><p lang=\"en\">You are logged out. "
                      "Close the browser to forget the certificate selection.</p>");
}
}  // namespace

Response serve(store::Pool& pool, const Request& req) {
    std::string fingerprint = presented_fingerprint(req);
    return pool.with([&](store::Connection& c) {
        Identity who = authenticate(c, fingerprint);
        Session s = touch_session(c, who, req.peer);
        bool get = req.method == "GET" || req.method == "HEAD";
        bool post = req.method == "POST";
        if (req.path == "/" && get) return home_page(req, who, grants_of(c, who.officer_id), s);
        if (req.path == "/api/v1/me" && get) return Response::json(200, me_json(who, grants_of(c, who.officer_id), s).dump());
        if (req.path == "/logout" || req.path == "/api/v1/logout") {
            if (!post) {
                throw Error(codes::kMethodNotAllowed, {"POST で送信してください。", "Use POST."}, 405);
            }
            require_csrf(req, s);
            end_session(c, who, s);
            return logged_out(req);
        }
        throw Error(codes::kNotFound, {"ページが見つかりません。", "Page not found."}, 404);
    });
}

}  // namespace inkan::officer

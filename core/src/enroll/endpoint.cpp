#include "enroll/endpoint.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/x509.hpp"
#include "enroll/issuance.hpp"
#include "enroll/pickup.hpp"
#include "http/page.hpp"
#include "http/router.hpp"
#include "officer/auth.hpp"
#include "util/codes.hpp"
#include "http/fields.hpp"

namespace inkan::enroll {

namespace {
using http::escape;
using http::pick;
using http::Request;
using http::Response;

Error bad_request(Message m) { return Error(codes::kBadRequest, std::move(m), 400); }

// The PKCS#12 and its one-time password.
Response deliver(const Request& req, const Collected& got) {
    const std::string& password = got.password;
    const std::string& serial = got.serial;
    std::string p12 = got.pkcs12;
    Response resp;
    if (req.wants_json()) {
        nlohmann::json j = {{"serial", serial},
                            {"subject", got.subject},
                            {"not_after_epoch", got.not_after},
                            {"pkcs12", crypto::base64(p12)},
                            {"password", password}};
        resp = Response::json(200, j.dump());
        resp.headers.emplace_back("Cache-Control", "no-store");
        return resp;
    }
    http::Lang lang = req.lang();
    std::string body =
        "<p>" + escape(pick(lang, {"登録担当者証明書を発行しました。", "Your registration officer certificate is ready."})) +
        "</p><p>" + escape(pick(lang, {"PKCS#12 パスワード (この画面でのみ表示されます)", "PKCS#12 password (shown only on this page)"})) +
        ": <code id=\"password\">" + escape(password) + "</code></p><p><a id=\"download\" download=\"officer-" +
        escape(serial) + ".p12\" href=\"data:application/x-pkcs12;base64," + crypto::base64(p12) + "\">" +
        escape(pick(lang, {"PKCS#12 ファイルをダウンロード", "Download the PKCS#12 file"})) + "</a></p><p>" +
        escape(pick(lang, {"ダウンロードしたファイルをブラウザに取り込み、パスワードを入力してください。",
                           "Import the downloaded file into your browser and enter the password."})) +
        "</p>";
    resp = http::page(req, 200, {"登録担当者証明書の取得", "Officer certificate pickup"}, std::move(body));
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
}

// One cookie per request, so that two pickups in one browser keep their keys.
std::string cookie_name(int64_t application_id) { return "inkan_collect_" + std::to_string(application_id); }

// The sealing key travels to the browser in a cookie that only this endpoint
// of this server receives, never in a URL (which logs and mail scanners see).
std::string collect_cookie(const Request& req, int64_t application_id, const std::string& value, int64_t max_age) {
    return cookie_name(application_id) + "=" + value + "; Path=" + req.link("") + "; Max-Age=" + std::to_string(max_age) +
           "; Secure; HttpOnly; SameSite=Strict";
}

int64_t application_param(const std::map<std::string, std::string>& params) {
    std::string a = http::text_field(params, "a");
    if (a.empty() || a.size() > 18 || a.find_first_not_of("0123456789") != std::string::npos) {
        throw bad_request({"申請番号 (a) が正しくありません。", "The application number (a) is not valid."});
    }
    return std::stoll(a);
}

// Issuing: a JSON client polls (Retry-After); a browser reloads the page.
// `resume`, when the request was just queued, goes to a script in the body.
Response progress(const Request& req, int64_t application_id, const std::string& resume = "") {
    std::string next = req.link("collect") + "?a=" + std::to_string(application_id);
    Response resp;
    if (req.wants_json()) {
        nlohmann::json body = {{"status", "issuing"}, {"application", application_id}, {"collect", next}};
        if (!resume.empty()) body["resume"] = resume;
        resp = Response::json(202, body.dump());
    } else {
        http::Lang lang = req.lang();
        std::string body = "<p role=\"status\">" +
                           escape(pick(lang, {"証明書を発行しています。このページは自動的に更新されます。",
                                              "Your certificate is being issued. This page refreshes by itself."})) +
                           "</p><p><a href=\"" + escape(next) + "\">" + escape(pick(lang, {"更新", "Refresh"})) + "</a></p>";
        resp = http::page(req, 202, {"登録担当者証明書の発行中", "Issuing the officer certificate"}, std::move(body), next);
    }
    resp.headers.emplace_back("Retry-After", "1");
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
}

// Queued: the requester gets the sealing key (JSON: "resume"; browser: cookie).
Response accepted(const Request& req, const Queued& q) {
    Response resp = progress(req, q.application_id, q.resume);
    if (!req.wants_json()) {
        resp.headers.emplace_back("Set-Cookie", collect_cookie(req, q.application_id, q.resume, q.valid_minutes * 60));
    }
    return resp;
}

Response pickup_form(const Request& req, const std::string& token, const Pickup& p) {
    http::Lang lang = req.lang();
    std::string body = "<p>" + escape(p.officer_name) + "</p><form method=\"post\" action=\"" +
                       escape(req.link("pickup")) + "\"><input type=\"hidden\" name=\"t\" value=\"" + escape(token) +
                       "\"><label>" + escape(pick(lang, {"アクセスPIN", "Access PIN"})) +
                       " <input name=\"pin\" autocomplete=\"off\" required></label> <button type=\"submit\">" +
                       escape(pick(lang, {"証明書を取得", "Get certificate"})) + "</button></form>";
    return http::page(req, 200, {"登録担当者証明書の取得", "Officer certificate pickup"}, std::move(body));
}

Response pickup(store::Pool& pool, const Request& req) {
    if (req.method != "POST") {
        std::string token = http::text_field(req.query_params(), "t");
        if (token.empty()) throw bad_request({"URLにトークンがありません。", "The URL has no token."});
        Pickup p = pool.with([&](store::Connection& c) { return open_pickup(c, token); });
        return pickup_form(req, token, p);
    }
    auto form = req.form();
    std::string token = http::text_field(form, "t"), pin = http::text_field(form, "pin");
    if (token.empty() || pin.empty()) {
        throw bad_request({"トークンとアクセスPINが必要です (フィールド t, pin)。",
                           "The token and the access PIN are required (fields t, pin)."});
    }
    Pickup p = pool.with([&](store::Connection& c) { return claim_pickup(c, token, pin, req.peer); });
    try {
        Queued q = pool.with(
            [&](store::Connection& c) { return queue_officer_certificate(c, p.officer_id, p.institution_id, p.id); });
        return accepted(req, q);
    } catch (...) {
        pool.with([&](store::Connection& c) { release_pickup(c, p); });
        throw;
    }
}

Response renew(store::Pool& pool, const Request& req) {
    std::string fingerprint = officer::presented_fingerprint(req);
    auto [who, session] = pool.with([&](store::Connection& c) {
        officer::Identity who = officer::authenticate(c, fingerprint);
        return std::pair(who, officer::touch_session(c, who, req.peer));
    });
    if (!who.renewable) {
        throw Error(codes::kRenewalWindow,
                    {"この証明書はまだ更新できません (有効期限 " + who.not_after + ")。",
                     "This certificate cannot be renewed yet (valid until " + who.not_after + ")."},
                    403);
    }
    http::Lang lang = req.lang();
    if (req.method != "POST") {
        if (req.wants_json()) {
            return Response::json(200, nlohmann::json{{"renewable", true}, {"csrf_token", session.csrf_token}}.dump());
        }
        std::string body = "<p>" + escape(who.name) + " — " +
                           escape(pick(lang, {"有効期限", "valid until"})) + " " + escape(who.not_after) +
                           "</p><form method=\"post\" action=\"" + escape(req.link("renew")) +
                           "\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(session.csrf_token) +
                           "\"><button type=\"submit\">" + escape(pick(lang, {"証明書を更新", "Renew certificate"})) +
                           "</button></form>";
        return http::page(req, 200, {"登録担当者証明書の更新", "Officer certificate renewal"}, std::move(body));
    }
    officer::require_csrf(req, session);
    // Structured bindings cannot be captured by a lambda (before C++20 in every compiler).
    int64_t officer_id = who.officer_id, institution_id = who.institution_id;
    Queued q = pool.with(
        [&](store::Connection& c) { return queue_officer_certificate(c, officer_id, institution_id, std::nullopt); });
    return accepted(req, q);
}

// GET (a browser following the progress page, the sealing key in its cookie)
// or POST (API clients, the key in the form field "resume").  Collecting
// twice, or without the key, yields nothing.
Response collect(store::Pool& pool, const Request& req) {
    auto params = req.method == "POST" ? req.form() : req.query_params();
    int64_t id = application_param(params);
    // A HEAD (link checkers, prefetchers) must not collect.
    if (req.method == "HEAD") return Response{204, {{"Cache-Control", "no-store"}}, ""};
    std::string resume = http::text_field(params, "resume");
    if (resume.empty()) resume = req.cookie(cookie_name(id));
    if (resume.empty()) {
        throw bad_request({"受け取りの鍵がありません (同じブラウザで開くか、resume を指定してください)。",
                           "The collection key is missing (open this in the same browser, or send resume)."});
    }
    auto collected = pool.with([&](store::Connection& c) {
        return collect_officer_certificate(c, id, resume, "enroll:" + req.peer);
    });
    if (!collected) return progress(req, id);
    return deliver(req, *collected);
}

using Route = http::Route<Response (*)(store::Pool&, const Request&)>;

constexpr std::array kRoutes = {
    Route{"GET", "/pickup", pickup},   Route{"POST", "/pickup", pickup},   Route{"GET", "/renew", renew},
    Route{"POST", "/renew", renew},    Route{"GET", "/collect", collect}, Route{"POST", "/collect", collect},
};
}  // namespace

Response serve(store::Pool& pool, const Request& req) {
    return http::route(std::span<const Route>(kRoutes), req).handler(pool, req);
}

}  // namespace inkan::enroll

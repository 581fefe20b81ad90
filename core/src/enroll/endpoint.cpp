#include "enroll/endpoint.hpp"

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/x509.hpp"
#include "enroll/issuance.hpp"
#include "enroll/pickup.hpp"
#include "http/page.hpp"
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

// The PKCS#12 with a fresh password, shown once; the key never leaves memory otherwise.
Response deliver(const Request& req, EVP_PKEY* key, const store::Chained& issued) {
    std::string password = crypto::random_readable(16);
    std::vector<X509*> chain;
    for (const auto& c : issued.issuers) chain.push_back(c.get());
    std::string p12 = crypto::pkcs12(key, issued.cert.get(), chain, password, "inkan officer");
    std::string serial = crypto::serial_hex(issued.cert.get());
    if (req.wants_json()) {
        nlohmann::json j = {{"serial", serial},
                            {"subject", crypto::subject_text(issued.cert.get())},
                            {"not_after_epoch", crypto::not_after(issued.cert.get())},
                            {"pkcs12", crypto::base64(p12)},
                            {"password", password}};
        return Response::json(200, j.dump());
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
    return http::page(req, 200, {"登録担当者証明書の取得", "Officer certificate pickup"}, std::move(body));
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
    auto key = crypto::generate_rsa(2048);
    try {
        store::Chained issued = request_officer_certificate(pool, p.officer_id, p.institution_id, key.get(), "issue");
        pool.with([&](store::Connection& c) { finish_pickup(c, p, true, crypto::serial_hex(issued.cert.get())); });
        return deliver(req, key.get(), issued);
    } catch (...) {
        pool.with([&](store::Connection& c) { finish_pickup(c, p, false, ""); });
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
    auto key = crypto::generate_rsa(2048);
    store::Chained issued = request_officer_certificate(pool, who.officer_id, who.institution_id, key.get(), "renew");
    return deliver(req, key.get(), issued);
}
}  // namespace

Response serve(store::Pool& pool, const Request& req) {
    bool get = req.method == "GET" || req.method == "HEAD";
    if (!get && req.method != "POST") {
        throw Error(codes::kMethodNotAllowed, {"GET か POST を使ってください。", "Use GET or POST."}, 405);
    }
    if (req.path == "/pickup") return pickup(pool, req);
    if (req.path == "/renew") return renew(pool, req);
    throw Error(codes::kNotFound, {"ページが見つかりません。", "Page not found."}, 404);
}

}  // namespace inkan::enroll

#include "officer/auth.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/officers.hpp"
#include "store/sessions.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
Error forbidden(const char* code, Message m) { return Error(code, std::move(m), 403); }

}  // namespace

std::string presented_fingerprint(const http::Request& req) {
    if (!req.tls || req.client_verify != "SUCCESS" || req.client_cert.empty()) {
        throw forbidden(codes::kClientCertRequired,
                        {"登録担当者証明書によるクライアント認証が必要です。ブラウザに登録担当者証明書をインストールしてください。",
                         "Client authentication with a registration officer certificate is required. Install your "
                         "officer certificate in the browser."});
    }
    try {
        auto cert = crypto::cert_from_pem(req.client_cert);
        return crypto::fingerprint_sha256(cert.get());
    } catch (const InternalError&) {
        throw forbidden(codes::kClientCertRequired,
                        {"クライアント証明書を読み取れません。", "The client certificate cannot be read."});
    }
}

Identity authenticate(store::Connection& c, const std::string& fingerprint) {
    auto found = store::officer_by_fingerprint(c, fingerprint, settings::get_int(c, "officer_renew_window_days"));
    if (!found) {
        throw forbidden(codes::kCertNotRegistered,
                        {"この証明書は登録担当者証明書として登録されていません。",
                         "This certificate is not registered as a registration officer certificate."});
    }
    if (!found->certificate_valid || !found->officer_active) {
        throw forbidden(codes::kCertNotValid,
                        {"この登録担当者証明書は失効しているか有効期間外です。",
                         "This registration officer certificate is revoked or outside its validity period."});
    }
    if (!found->institution_active) {
        throw forbidden(codes::kInstitutionInactive,
                        {"機関が有効ではありません。", "The institution is not active."});
    }
    return found->identity;
}

Session touch_session(store::Connection& c, const Identity& who, const std::string& peer) {
    store::Transaction tx(c);
    store::close_idle_sessions(c, actor(who), who.certificate_id);
    Session s;
    if (auto started = store::open_session(c, who.officer_id, who.certificate_id, crypto::random_token(), peer)) {
        s = {started->id, started->csrf_token};
        audit::append(c, actor(who), "officer.login", "officer_session:" + std::to_string(s.id),
                      {{"peer", peer}, {"certificate_serial", who.serial}});
    } else {
        auto open = store::touch_open_session(c, who.certificate_id);
        if (!open) throw InternalError("officer session vanished while it was being touched");
        s = {open->id, open->csrf_token};
    }
    tx.commit();
    return s;
}

void end_session(store::Connection& c, const Identity& who, const Session& s) {
    store::Transaction tx(c);
    store::close_session(c, s.id);
    audit::append(c, actor(who), "officer.logout", "officer_session:" + std::to_string(s.id));
    tx.commit();
}

namespace {
// The host[:port] of an Origin header value ("https://ra.example:8443" -> "ra.example:8443").
std::string_view origin_host(std::string_view origin) {
    size_t scheme = origin.find("://");
    return scheme == std::string_view::npos ? std::string_view() : origin.substr(scheme + 3);
}
}  // namespace

void require_csrf(const http::Request& req, const Session& s) {
    // Browsers say where a request comes from; a state change from another site is refused
    // even with a token (defence in depth: the token alone is what scripts present).
    auto site = req.header("Sec-Fetch-Site");
    auto origin = req.header("Origin");
    auto host = req.header("Host");
    bool cross_site = site && *site != "same-origin" && *site != "none";
    bool foreign_origin = origin && (*origin == "null" || !host || origin_host(*origin) != *host);
    if (cross_site || foreign_origin) {
        throw Error(codes::kCsrf,
                    {"別のサイトからのリクエストは受け付けません。", "Requests from another site are refused."}, 403);
    }
    std::string presented;
    if (auto h = req.header("X-CSRF-Token")) {
        presented = std::string(*h);
    } else {
        auto form = req.form();
        if (auto it = form.find("csrf"); it != form.end()) presented = it->second;
    }
    if (presented.empty() || !crypto::constant_time_equal(presented, s.csrf_token)) {
        throw Error(codes::kCsrf,
                    {"フォームの有効期限が切れたか、不正なリクエストです。ページを読み込み直してください。",
                     "The form expired or the request was forged. Reload the page and try again."},
                    403);
    }
}

}  // namespace inkan::officer

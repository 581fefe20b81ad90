#include "officer/auth.hpp"

#include "audit/audit.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
Error forbidden(const char* code, Message m) { return Error(code, std::move(m), 403); }

std::vector<std::string> json_strings(const std::string& text) {
    return nlohmann::json::parse(text).get<std::vector<std::string>>();
}
// Records sessions idle past the setting as expired (one certificate's, or all).
int close_idle_sessions(store::Connection& c, const std::string& who, std::optional<int64_t> certificate_id) {
    auto expired = c.query(
        "UPDATE officer_sessions SET ended_at = last_seen_at + make_interval(mins => $1::int), end_reason = 'expired' "
        "WHERE ended_at IS NULL AND last_seen_at < now() - make_interval(mins => $1::int) "
        "AND ($2::bigint IS NULL OR certificate_id = $2) RETURNING id, officer_id",
        settings::get(c, "session_idle_minutes"), certificate_id);
    for (int i = 0; i < expired.rows(); ++i) {
        audit::append(c, who, "officer.session_expired", "officer_session:" + expired.text(i, 0),
                      {{"officer_id", expired.integer(i, 1)}});
    }
    return expired.rows();
}
}  // namespace

std::string actor(const Identity& who) { return "officer:" + std::to_string(who.officer_id); }

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
    auto r = c.query(
        "SELECT c.id, c.officer_id, i.id, o.name, o.email, i.name_en, c.serial, "
        "to_char(c.not_after, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "c.revoked_at IS NULL AND c.not_before <= now() AND c.not_after > now(), o.status = 'active', "
        "i.status = 'active', "
        "c.not_after - now() <= make_interval(days => $2::int) "
        "FROM certificates c JOIN officers o ON o.id = c.officer_id JOIN institutions i ON i.id = o.institution_id "
        "WHERE c.fingerprint_sha256 = $1 AND c.kind = 'officer'",
        store::Bytes{fingerprint}, settings::get(c, "officer_renew_window_days"));
    if (r.empty()) {
        throw forbidden(codes::kCertNotRegistered,
                        {"この証明書は登録担当者証明書として登録されていません。",
                         "This certificate is not registered as a registration officer certificate."});
    }
    if (!r.boolean(0, 8) || !r.boolean(0, 9)) {
        throw forbidden(codes::kCertNotValid,
                        {"この登録担当者証明書は失効しているか有効期間外です。",
                         "This registration officer certificate is revoked or outside its validity period."});
    }
    if (!r.boolean(0, 10)) {
        throw forbidden(codes::kInstitutionInactive,
                        {"機関が有効ではありません。", "The institution is not active."});
    }
    return Identity{r.integer(0, 1), r.integer(0, 0), r.integer(0, 2), r.text(0, 3), r.text(0, 4),
                    r.text(0, 5),    r.text(0, 6),    r.text(0, 7),    r.boolean(0, 11)};
}

std::vector<Grant> grants_of(store::Connection& c, int64_t officer_id) {
    auto r = c.query(
        "SELECT d.name, coalesce(g.subtree, ''), array_to_json(g.kinds)::text, array_to_json(g.actions)::text "
        "FROM grants g JOIN domains d ON d.id = g.domain_id WHERE g.officer_id = $1 ORDER BY d.name, g.subtree",
        officer_id);
    std::vector<Grant> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(Grant{r.text(i, 0), r.text(i, 1), json_strings(r.text(i, 2)), json_strings(r.text(i, 3))});
    }
    return out;
}

Session touch_session(store::Connection& c, const Identity& who, const std::string& peer) {
    store::Transaction tx(c);
    close_idle_sessions(c, actor(who), who.certificate_id);
    auto started = c.query(
        "INSERT INTO officer_sessions (officer_id, certificate_id, csrf_token, peer) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (certificate_id) WHERE ended_at IS NULL DO NOTHING RETURNING id, csrf_token",
        who.officer_id, who.certificate_id, crypto::random_token(), peer);
    Session s;
    if (!started.empty()) {
        s = {started.integer(0, 0), started.text(0, 1)};
        audit::append(c, actor(who), "officer.login", "officer_session:" + started.text(0, 0),
                      {{"peer", peer}, {"certificate_serial", who.serial}});
    } else {
        auto open = c.query(
            "UPDATE officer_sessions SET last_seen_at = now() WHERE certificate_id = $1 AND ended_at IS NULL "
            "RETURNING id, csrf_token",
            who.certificate_id);
        if (open.empty()) throw InternalError("officer session vanished while it was being touched");
        s = {open.integer(0, 0), open.text(0, 1)};
    }
    tx.commit();
    return s;
}

void end_session(store::Connection& c, const Identity& who, const Session& s) {
    store::Transaction tx(c);
    c.query("UPDATE officer_sessions SET ended_at = now(), end_reason = 'logout' WHERE id = $1 AND ended_at IS NULL",
            s.id);
    audit::append(c, actor(who), "officer.logout", "officer_session:" + std::to_string(s.id));
    tx.commit();
}

int expire_idle_sessions(store::Connection& c, const std::string& who) {
    store::Transaction tx(c);
    int n = close_idle_sessions(c, who, std::nullopt);
    tx.commit();
    return n;
}

void require_csrf(const http::Request& req, const Session& s) {
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

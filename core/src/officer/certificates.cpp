// Server certificates of the officer's scope: list with search, detail with
// the certificate itself (retrieval on behalf, 取得代行), subscriber update.
// Every object is checked against the officer's grants here, not in the UI.
#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "http/fields.hpp"
#include "http/page.hpp"
#include "officer/handlers.hpp"
#include "policy/names.hpp"
#include "store/audit.hpp"
#include "store/submissions.hpp"
#include "tsv/encoding.hpp"
#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkan::officer {

namespace {
using http::escape;
using http::pick;
using nlohmann::json;

constexpr const char* kColumns =
    "application_id, operation, state, fqdn, subject_dn, profile, coalesce(serial, ''), status, "
    "to_char(created_at, 'YYYY-MM-DD HH24:MI'), coalesce(to_char(not_after, 'YYYY-MM-DD'), ''), certificate_id, "
    "coalesce(error, ''), coalesce(subscriber_name, ''), coalesce(subscriber_affiliation, ''), "
    "coalesce(subscriber_email, ''), array_to_json(dns_names)::text, coalesce(old_serial, '')";

json row_json(const store::Result& r, int i) {
    return {{"application_id", r.integer(i, 0)}, {"operation", r.text(i, 1)}, {"state", r.text(i, 2)},
            {"fqdn", r.text(i, 3)}, {"subject_dn", r.text(i, 4)}, {"profile", r.text(i, 5)},
            {"serial", r.text(i, 6)}, {"status", r.is_null(i, 7) ? json(nullptr) : json(r.integer(i, 7))},
            {"submitted", r.text(i, 8)}, {"not_after", r.text(i, 9)},
            {"certificate_id", r.is_null(i, 10) ? json(nullptr) : json(r.integer(i, 10))}, {"error", r.text(i, 11)},
            {"subscriber", {{"name", r.text(i, 12)}, {"affiliation", r.text(i, 13)}, {"email", r.text(i, 14)}}},
            {"dns_names", json::parse(r.text(i, 15))}, {"old_serial", r.text(i, 16)}};
}

Error not_found() { return Error(codes::kNotFound, {"証明書が見つかりません。", "Certificate not found."}, 404); }

// The certificate's inventory row, if the officer's grants cover it.
store::Result visible_certificate(Context& ctx) {
    auto r = ctx.c.query(std::string("SELECT ") + kColumns + ", der FROM server_inventory "
                         "WHERE certificate_id = $1 AND institution_id = $2",
                         ctx.id, ctx.who.institution_id);
    if (r.empty() || !authz::covers(ctx.grants(), r.text(0, 3), authz::Kind::server)) throw not_found();
    return r;
}

std::string status_label(const json& status, http::Lang lang) {
    if (status.is_null()) return pick(lang, {"未発行", "not issued"});
    switch (status.get<int>()) {
        case 4: return pick(lang, {"4 取得待ち", "4 awaiting download"});
        case 5: return pick(lang, {"5 発行済", "5 issued"});
        case 6: return pick(lang, {"6 更新済", "6 renewed"});
        default: return pick(lang, {"7 失効済", "7 revoked"});
    }
}
}  // namespace

void require_action(Context& ctx, authz::Action action) {
    if (!authz::allows(ctx.grants(), action)) {
        throw Error("424", {"この機能は許可されていません。", "You are not granted this function."}, 403);
    }
}

http::Response certificate_list(Context& ctx) {
    auto q = ctx.req.query_params();
    auto opt = [&](const char* k) {
        std::string v = http::text_field(q, k);
        return v.empty() ? std::nullopt : std::optional<std::string>(v);
    };
    // Scoped by grants in SQL so that the limit applies to what the officer may see.
    auto r = ctx.c.query(std::string("SELECT ") + kColumns + " FROM server_inventory WHERE institution_id = $1 "
                         "AND ($2::text IS NULL OR strpos(fqdn, $2) > 0) AND ($3::text IS NULL OR serial = lower($3)) "
                         "AND ($4::text IS NULL OR status::text = $4 OR state = $4) "
                         "AND EXISTS (SELECT 1 FROM unnest($5::text[]) s WHERE fqdn = s OR right(fqdn, length(s) + 1) = '.' || s) "
                         "ORDER BY application_id DESC LIMIT 1000",
                         ctx.who.institution_id, opt("fqdn"), opt("serial"), opt("status"),
                         store::text_array(authz::scopes(ctx.grants(), authz::Kind::server)));
    json rows = json::array();
    for (int i = 0; i < r.rows(); ++i) {
        if (authz::covers(ctx.grants(), r.text(i, 3), authz::Kind::server)) rows.push_back(row_json(r, i));
    }
    if (ctx.req.wants_json()) return http::Response::json(200, json{{"certificates", rows}}.dump());

    http::Lang lang = ctx.req.lang();
    std::string body = "<form method=\"get\">FQDN <input name=\"fqdn\" value=\"" + escape(q["fqdn"]) + "\"> " +
                       escape(pick(lang, {"シリアル番号", "Serial"})) + " <input name=\"serial\" value=\"" +
                       escape(q["serial"]) + "\"> " + escape(pick(lang, {"状態", "Status"})) +
                       " <input name=\"status\" size=\"8\" value=\"" + escape(q["status"]) + "\"> <button>" +
                       escape(pick(lang, {"検索", "Search"})) + "</button></form><table border=\"1\"><tr><th>ID</th><th>FQDN</th><th>" +
                       escape(pick(lang, {"シリアル番号", "Serial"})) + "</th><th>" + escape(pick(lang, {"状態", "Status"})) +
                       "</th><th>" + escape(pick(lang, {"有効期限", "Valid until"})) + "</th></tr>";
    for (const auto& row : rows) {
        std::string serial = row["serial"].get<std::string>();
        std::string link = row["certificate_id"].is_null()
                               ? escape(serial)
                               : "<a href=\"" + escape(ctx.req.link("server/certificates/" + std::to_string(row["certificate_id"].get<int64_t>()))) +
                                     "\">" + escape(serial) + "</a>";
        body += "<tr><td>" + std::to_string(row["application_id"].get<int64_t>()) + "</td><td>" +
                escape(row["fqdn"].get<std::string>()) + "</td><td><code>" + link + "</code></td><td>" +
                escape(row["state"] == "failed" ? pick(lang, {"失敗", "failed"}) : status_label(row["status"], lang)) +
                "</td><td>" + escape(row["not_after"].get<std::string>()) + "</td></tr>";
    }
    body += "</table>";
    return http::page(ctx.req, 200, {"サーバ証明書一覧", "Server certificates"}, std::move(body));
}

http::Response certificate_detail(Context& ctx) {
    auto r = visible_certificate(ctx);
    json detail = row_json(r, 0);
    auto cert = crypto::cert_from_der(r.bytes(0, 17));
    detail["pem"] = crypto::cert_to_pem(cert.get());
    audit::append(ctx.c, actor(ctx.who), "certificate.viewed", "certificate:" + std::to_string(ctx.id));
    if (ctx.req.wants_json()) return http::Response::json(200, detail.dump());
    http::Lang lang = ctx.req.lang();
    std::string body = "<dl><dt>" + escape(pick(lang, {"主体者DN", "Subject DN"})) + "</dt><dd>" +
                       escape(detail["subject_dn"].get<std::string>()) + "</dd><dt>" +
                       escape(pick(lang, {"状態", "Status"})) + "</dt><dd>" + escape(status_label(detail["status"], lang)) +
                       "</dd></dl><pre id=\"pem\">" + escape(detail["pem"].get<std::string>()) + "</pre>";
    return http::page(ctx.req, 200, {"証明書の詳細", "Certificate"}, std::move(body));
}

http::Response subscriber_update(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    auto r = visible_certificate(ctx);
    if (!authz::permits(ctx.grants(), r.text(0, 3), authz::Kind::server, authz::Action::subscriber)) {
        throw Error("424", {"利用管理者情報の変更は許可されていません。", "You are not granted subscriber updates."}, 403);
    }
    auto form = ctx.req.form();
    std::string name = http::text_field(form, "name"), affiliation = http::text_field(form, "affiliation"),
                email = http::text_field(form, "email");
    if (name.empty() || affiliation.empty() || email.empty()) {
        throw Error("201", {"氏名・所属・メールアドレスは必須です。", "Name, affiliation and mail are required."}, 400);
    }
    if (text::utf8_length(name) > 64 || text::utf8_length(affiliation) > 64) {
        throw Error("202", {"氏名と所属は64文字以内です。", "Name and affiliation are at most 64 characters."}, 400);
    }
    if (policy::check_mail(email)) throw Error("206", {"メールアドレスの形式ではありません。", "This is not a mail address."}, 400);
    store::Transaction tx(ctx.c);
    store::update_subscriber(ctx.c, r.integer(0, 0), ctx.who.officer_id, name, affiliation, email);
    audit::append(ctx.c, actor(ctx.who), "subscriber.updated", "certificate:" + std::to_string(ctx.id),
                  {{"before", {{"name", r.text(0, 12)}, {"affiliation", r.text(0, 13)}, {"email", r.text(0, 14)}}},
                   {"after", {{"name", name}, {"affiliation", affiliation}, {"email", email}}}});
    tx.commit();
    return http::Response::json(200, json{{"updated", true}, {"name", name}, {"affiliation", affiliation}, {"email", email}}.dump());
}

}  // namespace inkan::officer

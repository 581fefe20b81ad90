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
#include "policy/serial.hpp"
#include "store/audit.hpp"
#include "store/inventory.hpp"
#include "store/submissions.hpp"
#include "tsv/encoding.hpp"
#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkan::officer {

namespace {
using http::escape;
using http::pick;
using nlohmann::json;

json row_json(const store::ServerListRow& r) {
    return {{"application_id", r.application_id}, {"operation", r.operation}, {"state", r.state},
            {"fqdn", r.fqdn}, {"subject_dn", r.subject_dn}, {"profile", r.profile},
            {"serial", r.serial}, {"status", r.status ? json(*r.status) : json(nullptr)},
            {"submitted", r.submitted}, {"not_after", r.not_after},
            {"certificate_id", r.certificate_id ? json(*r.certificate_id) : json(nullptr)}, {"error", r.error},
            {"subscriber", {{"name", r.subscriber_name}, {"affiliation", r.subscriber_affiliation}, {"email", r.subscriber_email}}},
            {"dns_names", r.dns_names}, {"old_serial", r.old_serial}};
}

Error not_found() { return Error(codes::kNotFound, {"証明書が見つかりません。", "Certificate not found."}, 404); }

}  // namespace

namespace {
// A whole number in [low, high] from the query, `fallback` when absent; 530 naming the field otherwise.
int bounded_number(const std::map<std::string, std::string>& q, const char* name, int low, int high, int fallback) {
    std::string v = http::text_field(q, name);
    if (v.empty()) return fallback;
    if (v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < low || std::stoi(v) > high) {
        throw Error(codes::kBadRequest, {std::string(name) + " は " + std::to_string(low) + "〜" + std::to_string(high) + " の整数です。",
                                         std::string(name) + " is a whole number from " + std::to_string(low) + " to " +
                                             std::to_string(high) + "."})
            .about(name);
    }
    return std::stoi(v);
}
}  // namespace

store::ServerListRow visible_certificate(Context& ctx) {
    auto row = store::server_certificate_row(ctx.c, ctx.who.institution_id, ctx.id);
    if (!row || !authz::covers(ctx.grants(), row->fqdn, authz::Kind::server)) throw not_found();
    return *row;
}

namespace {

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
    // Scoped by grants in SQL so that limit and offset count only what the officer may see.
    store::ListFilter filter;
    filter.fqdn_part = opt("fqdn");
    filter.status = opt("status");
    if (auto serial = opt("serial")) filter.serials = policy::serial_candidates(*serial);
    filter.scopes = authz::scopes(ctx.grants(), authz::Kind::server);
    filter.limit = bounded_number(q, "limit", 1, 1000, 1000);
    filter.offset = bounded_number(q, "offset", 0, 1000000, 0);
    std::string sort = http::text_field(q, "sort");
    if (sort == "oldest") filter.order = store::ListOrder::oldest;
    else if (sort == "expiring") filter.order = store::ListOrder::expiring;
    else if (!sort.empty() && sort != "newest") {
        throw Error(codes::kBadRequest, {"sort は newest, oldest, expiring のいずれかです。", "sort is newest, oldest or expiring."})
            .about("sort");
    }
    json rows = json::array();
    for (const auto& row : store::server_list(ctx.c, ctx.who.institution_id, filter)) {
        if (authz::covers(ctx.grants(), row.fqdn, authz::Kind::server)) rows.push_back(row_json(row));
    }
    if (ctx.req.wants_json()) {
        return http::Response::json(200, json{{"certificates", rows}, {"limit", filter.limit}, {"offset", filter.offset}}.dump());
    }

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
    json detail = row_json(r);
    auto cert = crypto::cert_from_der(r.der);
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
    if (!authz::permits(ctx.grants(), r.fqdn, authz::Kind::server, authz::Action::subscriber)) {
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
    store::update_subscriber(ctx.c, r.application_id, ctx.who.officer_id, name, affiliation, email);
    audit::append(ctx.c, actor(ctx.who), "subscriber.updated", "certificate:" + std::to_string(ctx.id),
                  {{"before", {{"name", r.subscriber_name}, {"affiliation", r.subscriber_affiliation}, {"email", r.subscriber_email}}},
                   {"after", {{"name", name}, {"affiliation", affiliation}, {"email", email}}}});
    tx.commit();
    return http::Response::json(200, json{{"updated", true}, {"name", name}, {"affiliation", affiliation}, {"email", email}}.dump());
}

}  // namespace inkan::officer

// Certificates of the officer's scope: server certificates (list with search,
// detail, download on behalf (取得代行) in every format, subscriber update)
// and client / S/MIME certificates (list with search, detail).
// Every object is checked against the officer's grants here, not in the UI.
#include <algorithm>
#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "http/fields.hpp"
#include "download/formats.hpp"
#include "store/chains.hpp"
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
using nlohmann::json;

template <typename T>
json or_null(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}
json or_null(const std::string& v) { return v.empty() ? json(nullptr) : json(v); }

json row_json(const store::ServerListRow& r) {
    return {{"application_id", r.application_id}, {"operation", r.operation}, {"state", r.state},
            {"fqdn", r.fqdn}, {"subject_dn", r.subject_dn}, {"profile", r.profile},
            {"serial", r.serial}, {"status", or_null(r.status)},
            {"submitted", r.submitted}, {"issued_at", or_null(r.issued_at)}, {"not_before", or_null(r.not_before)},
            {"not_after", or_null(r.not_after)}, {"revoked_at", or_null(r.revoked_at)},
            {"revocation_reason", or_null(r.revocation_reason)},
            {"certificate_id", or_null(r.certificate_id)}, {"batch_id", or_null(r.batch_id)}, {"line", r.line_no},
            {"error", r.error},
            {"subscriber", {{"name", r.subscriber_name}, {"affiliation", r.subscriber_affiliation}, {"email", r.subscriber_email}}},
            {"dns_names", r.dns_names}, {"old_serial", r.old_serial}, {"server_software", r.server_software},
            {"kind", r.kind}};
}

// What a client or S/MIME row adds: the end user and how the PKCS#12 is handed out.
json person_json(const store::ServerListRow& r) {
    json out = row_json(r);
    out["end_user"] = {{"name", r.end_user_name}, {"affiliation", r.end_user_affiliation}, {"email", r.end_user_email}};
    out["pkcs12_name"] = r.pkcs12_name;
    out["download_method"] = or_null(r.download_method);
    out.erase("server_software");
    return out;
}

json inventory_json(store::Inventory inventory, const store::ServerListRow& r) {
    return inventory == store::Inventory::client ? person_json(r) : row_json(r);
}

Error not_found() { return Error(codes::kNotFound, {"証明書が見つかりません。", "Certificate not found."}, 404); }

}  // namespace

namespace {
// A whole number in [low, high] from the query, `fallback` when absent; 530 naming the field otherwise.
// A YYYY-MM-DD date from the query (nullopt when absent); 530 naming the field otherwise.
std::optional<std::string> date_field(const std::map<std::string, std::string>& q, const char* name) {
    std::string v = http::text_field(q, name);
    if (v.empty()) return std::nullopt;
    bool shaped = v.size() == 10 && v[4] == '-' && v[7] == '-' &&
                  std::all_of(v.begin(), v.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    if (!shaped || v.substr(0, 4) == "0000" || !std::chrono::year_month_day(std::chrono::year(std::stoi(v.substr(0, 4))),
                                                std::chrono::month(static_cast<unsigned>(std::stoi(v.substr(5, 2)))),
                                                std::chrono::day(static_cast<unsigned>(std::stoi(v.substr(8, 2)))))
                        .ok()) {
        throw Error(codes::kBadRequest, {std::string(name) + " は YYYY-MM-DD 形式の日付です。",
                                         std::string(name) + " is a date as YYYY-MM-DD."})
            .about(name);
    }
    return v;
}

int64_t bounded_number(const std::map<std::string, std::string>& q, const char* name, int64_t low, int64_t high,
                       int64_t fallback) {
    std::string v = http::text_field(q, name);
    if (v.empty()) return fallback;
    if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos || std::stoll(v) < low ||
        std::stoll(v) > high) {
        throw Error(codes::kBadRequest, {std::string(name) + " は " + std::to_string(low) + "〜" + std::to_string(high) + " の整数です。",
                                         std::string(name) + " is a whole number from " + std::to_string(low) + " to " +
                                             std::to_string(high) + "."})
            .about(name);
    }
    return std::stoll(v);
}
}  // namespace

authz::Kind kind_of(const store::ServerListRow& row) { return authz::parse_kind(row.kind).value_or(authz::Kind::server); }

store::ServerListRow visible_certificate(Context& ctx, store::Inventory inventory) {
    auto row = store::certificate_row(ctx.c, inventory, ctx.who.institution_id, ctx.id);
    if (!row || !authz::covers(ctx.grants(), row->fqdn, kind_of(*row))) throw not_found();
    return *row;
}

store::ServerListRow visible_certificate(Context& ctx) { return visible_certificate(ctx, store::Inventory::server); }

void require_action(Context& ctx, authz::Action action) {
    if (!authz::allows(ctx.grants(), action)) {
        throw Error("424", {"この機能は許可されていません。", "You are not granted this function."}, 403);
    }
}

namespace {
// The domains and subtrees an inventory's rows may lie in for this officer.
std::vector<std::string> inventory_scopes(Context& ctx, store::Inventory inventory) {
    if (inventory == store::Inventory::server) return authz::scopes(ctx.grants(), authz::Kind::server);
    auto out = authz::scopes(ctx.grants(), authz::Kind::client);
    for (auto& s : authz::scopes(ctx.grants(), authz::Kind::smime)) out.push_back(std::move(s));
    return out;
}

http::Response list_of(Context& ctx, store::Inventory inventory) {
    auto q = ctx.req.query_params();
    auto opt = [&](const char* k) {
        std::string v = http::text_field(q, k);
        return v.empty() ? std::nullopt : std::optional<std::string>(v);
    };
    // Scoped by grants in SQL so that limit and offset count only what the officer may see.
    store::ListFilter filter;
    filter.fqdn_part = opt("fqdn");
    filter.status = opt("status");
    filter.profile = opt("profile");
    filter.subscriber_part = opt("subscriber");
    filter.submitted_from = date_field(q, "from");
    filter.submitted_to = date_field(q, "to");
    if (auto batch = opt("batch")) filter.batch_id = bounded_number(q, "batch", 1, INT64_MAX, 0);
    if (auto serial = opt("serial")) filter.serials = policy::serial_candidates(*serial);
    filter.scopes = inventory_scopes(ctx, inventory);
    filter.limit = static_cast<int>(bounded_number(q, "limit", 1, 1000, 1000));
    filter.offset = static_cast<int>(bounded_number(q, "offset", 0, 1000000, 0));
    std::string sort = http::text_field(q, "sort");
    if (sort == "oldest") filter.order = store::ListOrder::oldest;
    else if (sort == "expiring") filter.order = store::ListOrder::expiring;
    else if (!sort.empty() && sort != "newest") {
        throw Error(codes::kBadRequest, {"sort は newest, oldest, expiring のいずれかです。", "sort is newest, oldest or expiring."})
            .about("sort");
    }
    json rows = json::array();
    for (const auto& row : store::certificate_list(ctx.c, inventory, ctx.who.institution_id, filter)) {
        if (authz::covers(ctx.grants(), row.fqdn, kind_of(row))) rows.push_back(inventory_json(inventory, row));
    }
    return http::Response::json(200, json{{"certificates", rows}, {"limit", filter.limit}, {"offset", filter.offset}}.dump());
}

http::Response detail_of(Context& ctx, store::Inventory inventory) {
    auto r = visible_certificate(ctx, inventory);
    json detail = inventory_json(inventory, r);
    auto cert = crypto::cert_from_der(r.der);
    detail["pem"] = crypto::cert_to_pem(cert.get());
    auto serial = policy::serial_notations(r.serial);
    detail["serial_notations"] = {{"hex", serial.hex}, {"decimal", serial.decimal}, {"colons", serial.colons}};
    detail["history"] = json::array();
    for (const auto& event : audit::events_of(ctx.c, "certificate:" + std::to_string(ctx.id), "certificate.viewed")) {
        // A subscriber's address is for the audit log, not for every officer covering the name.
        std::string who = event.actor.rfind("subscriber:", 0) == 0 ? "subscriber" : event.actor;
        detail["history"].push_back({{"at", event.at}, {"action", event.action}, {"actor", who}});
    }
    audit::append(ctx.c, actor(ctx.who), "certificate.viewed", "certificate:" + std::to_string(ctx.id));
    return http::Response::json(200, detail.dump());
}
}  // namespace

http::Response certificate_list(Context& ctx) { return list_of(ctx, store::Inventory::server); }
http::Response certificate_detail(Context& ctx) { return detail_of(ctx, store::Inventory::server); }
http::Response client_certificate_list(Context& ctx) { return list_of(ctx, store::Inventory::client); }
http::Response client_certificate_detail(Context& ctx) { return detail_of(ctx, store::Inventory::client); }

http::Response certificate_download(Context& ctx) {
    auto r = visible_certificate(ctx);
    // As for the subscriber's link: a revoked certificate is not handed out to be installed.
    if (r.status == 7) throw Error("426", {"この証明書は失効しています。", "This certificate is revoked."});
    std::string format = http::text_field(ctx.req.query_params(), "format");
    auto chained = store::load_with_issuers(ctx.c, ctx.id);
    chained.issuers.pop_back();  // the chain a server installs stops below the root
    auto file = download::render(format.empty() ? "pem" : format, chained.cert.get(), chained.issuers);
    audit::append(ctx.c, actor(ctx.who), "certificate.downloaded_on_behalf", "certificate:" + std::to_string(ctx.id),
                  {{"format", format.empty() ? "pem" : format}});
    return http::Response{200,
                          {{"Content-Type", file.content_type},
                           {"Content-Disposition", "attachment; filename=\"" + r.serial + "." + file.extension + "\""},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Cache-Control", "no-store"}},
                          std::move(file.body)};
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

// ACME registrations (UPKI ACME利用情報) of the officer's scope: list,
// detail with accounts, orders (failures included) and certificates, and
// create / update / suspend.  The changes become the UPKI ACME line an
// officer would otherwise upload, so every rule and code of the file path
// applies; the EAB is in the answer once and nowhere else.
#include <nlohmann/json.hpp>

#include "http/fields.hpp"
#include "officer/handlers.hpp"
#include "store/acme_registrations.hpp"
#include "store/uploads.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
using nlohmann::json;
constexpr size_t kColumns = workflow::kServerColumns;

// What the officer may see: registrations whose CN an ACME grant covers.
bool visible(Context& ctx, const store::AcmeRegistrationRow& r) {
    return authz::covers(ctx.grants(), r.names.front(), authz::Kind::acme);
}

json registration_json(const store::AcmeRegistrationRow& r) {
    json j = {{"id", r.id},
              {"account_id", r.account_ref},
              {"subject_dn", r.subject_dn},
              {"profile", r.server_profile},
              {"names", r.names},
              {"status", r.status},
              {"subscriber", {{"name", r.subscriber_name}, {"affiliation", r.subscriber_affiliation}, {"email", r.subscriber_email}}},
              {"server_software", r.server_software},
              {"eab", {{"kid", r.eab_kid}, {"expires_at", r.eab_expires_at},
                       {"bound_at", r.eab_bound_at.empty() ? json(nullptr) : json(r.eab_bound_at)}}},
              {"created_at", r.created_at},
              {"updated_at", r.updated_at}};
    if (r.suspend_reason) j["suspension"] = {{"reason", *r.suspend_reason}, {"comment", r.suspend_comment}};
    return j;
}

store::AcmeRegistrationRow visible_registration(Context& ctx) {
    auto r = store::acme_registration_by_id(ctx.c, ctx.who.institution_id, ctx.id);
    if (!r || !visible(ctx, *r)) {
        throw Error(codes::kNotFound, {"ACME 利用情報が見つかりません。", "ACME registration not found."}, 404);
    }
    return *r;
}

// Names from the form: the CN, then up to 8 more separated by commas, spaces or newlines.
std::vector<std::string> extra_names(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    for (char ch : text + ",") {
        if (ch == ',' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
            if (!current.empty()) out.push_back(current);
            current.clear();
        } else {
            current += ch;
        }
    }
    return out;
}

// The 13 columns of an ACME create or update line from the form.
std::vector<std::string> registration_line(Context& ctx, const std::string& account_ref) {
    const auto& form = ctx.req.form();
    auto inst = store::institution(ctx.c, ctx.who.institution_id);
    std::string cn = http::text_field(form, "cn");
    std::string sans;
    for (const auto& name : extra_names(http::text_field(form, "names"))) {
        if (name != cn) sans += (sans.empty() ? "" : ",") + ("dNSName=" + name);
    }
    std::vector<std::string> f(kColumns);
    f[0] = "CN=" + cn + ",O=" + inst.name_en + ",L=" + inst.l + ",ST=" + inst.st + ",C=JP";
    f[1] = http::text_field(form, "profile");
    f[2] = account_ref;
    f[7] = http::text_field(form, "subscriber_name");
    f[8] = http::text_field(form, "subscriber_affiliation");
    f[9] = http::text_field(form, "subscriber_email");
    f[10] = cn;
    f[11] = http::text_field(form, "server_software");
    f[12] = sans;
    return f;
}
}  // namespace

http::Response acme_registration_list(Context& ctx) {
    json out = json::array();
    for (const auto& r : store::acme_registrations(ctx.c, ctx.who.institution_id)) {
        if (visible(ctx, r)) out.push_back(registration_json(r));
    }
    return http::Response::json(200, json{{"registrations", out}}.dump());
}

http::Response acme_registration_detail(Context& ctx) {
    auto r = visible_registration(ctx);
    json j = registration_json(r);
    j["accounts"] = json::array();
    for (const auto& a : store::acme_accounts_of(ctx.c, r.id)) {
        j["accounts"].push_back({{"id", a.id}, {"status", a.status}, {"created_at", a.created_at}, {"contact", a.contact}});
    }
    j["orders"] = json::array();
    for (const auto& o : store::acme_orders_of(ctx.c, r.id, 50)) {
        j["orders"].push_back({{"id", o.id}, {"names", o.names}, {"status", o.status},
                               {"error", o.error.empty() ? json(nullptr) : json(o.error)}, {"created_at", o.created_at},
                               {"certificate_id", o.certificate_id ? json(*o.certificate_id) : json(nullptr)}});
    }
    return http::Response::json(200, j.dump());
}

http::Response acme_registration_create(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    return submit_line(ctx, workflow::ApplyType::issue, authz::Kind::acme, "api-acme-create.tsv", registration_line(ctx, ""));
}

http::Response acme_registration_update(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    auto r = visible_registration(ctx);
    return submit_line(ctx, workflow::ApplyType::renew, authz::Kind::acme, "api-acme-update-" + r.account_ref + ".tsv",
                       registration_line(ctx, r.account_ref));
}

http::Response acme_registration_suspend(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    auto r = visible_registration(ctx);
    const auto& form = ctx.req.form();
    std::vector<std::string> f(kColumns);
    f[0] = r.subject_dn;
    f[2] = r.account_ref;
    f[4] = http::text_field(form, "reason");
    f[5] = http::text_field(form, "comment");
    f[9] = http::text_field(form, "subscriber_email");
    return submit_line(ctx, workflow::ApplyType::suspend, authz::Kind::acme, "api-acme-suspend-" + r.account_ref + ".tsv", f);
}

}  // namespace inkan::officer

// Who the officer is (/v1/me), the remembered console language, logout and
// the OpenAPI document.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "http/fields.hpp"
#include "officer/endpoint.hpp"
#include "officer/functions.hpp"
#include "officer/handlers.hpp"
#include "store/officers.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
using nlohmann::json;
}  // namespace

http::Response me(Context& ctx) {
    const auto& grants = ctx.grants();
    json g = json::array(), domains = json::array();
    for (const auto& grant : grants) {
        g.push_back({{"domain", grant.domain},
                     {"subtree", grant.subtree.empty() ? json(nullptr) : json(grant.subtree)},
                     {"kinds", authz::to_strings(grant.kinds)},
                     {"actions", authz::to_strings(grant.actions)}});
        if (std::find(domains.begin(), domains.end(), grant.domain) == domains.end()) domains.push_back(grant.domain);
    }
    const Identity& who = ctx.who;
    json body = {{"officer", {{"id", who.officer_id}, {"name", who.name}, {"email", who.email}}},
                 {"institution", {{"id", who.institution_id}, {"name", who.institution}}},
                 {"certificate", {{"serial", who.serial}, {"not_after", who.not_after}, {"renewable", who.renewable}}},
                 {"language", who.language.empty() ? json(nullptr) : json(who.language)},
                 {"domains", domains},
                 {"grants", g},
                 {"functions", granted_functions(grants)},
                 {"session", {{"id", ctx.session.id}}},
                 {"csrf_token", ctx.session.csrf_token}};
    return http::Response::json(200, body.dump());
}

http::Response set_language(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    std::string language = http::text_field(ctx.req.form(), "language");
    if (language != "ja" && language != "en") {
        throw Error(codes::kBadRequest, {"language は ja か en です。", "language is ja or en."}).about("language");
    }
    store::set_officer_language(ctx.c, ctx.who.officer_id, language);
    return http::Response::json(200, json{{"language", language}}.dump());
}

http::Response openapi(Context&) { return http::Response::json(200, std::string(openapi_document())); }

http::Response logout(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    end_session(ctx.c, ctx.who, ctx.session);
    return http::Response::json(200, R"({"logged_out":true})");
}

}  // namespace inkan::officer

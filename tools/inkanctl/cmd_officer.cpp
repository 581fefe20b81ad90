// officer, grant: registration officers, their pickups and their grants.
#include <algorithm>

#include "authz/kinds.hpp"
#include "cli.hpp"
#include "enroll/pickup.hpp"
#include "policy/names.hpp"
#include "store/audit.hpp"
#include "store/registry.hpp"
#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkanctl {
namespace {

namespace codes = inkan::codes;

inkan::Error bad_officer(const std::string& field, const inkan::Message& m) {
    return inkan::Error(codes::kBadOfficerField, {field + ": " + m.ja, field + ": " + m.en});
}

json pickup_json(const inkan::enroll::NewPickup& p) {
    return {{"pickup_id", p.id}, {"pin", p.pin}, {"expires_at", p.expires_at}, {"mailed_to", p.mailed_to}};
}

json officer_add(inkan::store::Connection& c, const Args& a) {
    int64_t institution = a.need_id("institution");
    std::string name = a.need("name"), email = a.need("email");
    if (auto v = inkan::policy::check_person_cn(name)) throw bad_officer("--name", *v);
    if (auto v = inkan::policy::check_mail(email)) throw bad_officer("--email", *v);
    int64_t id;
    {
        inkan::store::Transaction tx(c);
        if (!inkan::store::institution_exists(c, institution)) {
            not_found("機関", "institution", std::to_string(institution));
        }
        auto added = inkan::store::insert_officer(c, institution, name, email);
        if (!added) throw bad_officer("--email", {"この機関にすでに登録されています。", "already registered for this institution."});
        id = *added;
        inkan::audit::append(c, actor(), "officer.added", "officer:" + std::to_string(id),
                             {{"institution_id", institution}, {"name", name}, {"email", email}});
        tx.commit();
    }
    json out = {{"officer_id", id}, {"name", name}, {"email", email}};
    out.update(pickup_json(inkan::enroll::create_pickup(c, id, actor())));
    return out;
}

json officer_list(inkan::store::Connection& c, const Args& a) {
    return inkan::store::list_officers(c, a.get_id("institution"));
}

json officer_revoke(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "OFFICER_ID");
    inkan::store::Transaction tx(c);
    int64_t officer = std::stoll(id);
    if (!inkan::store::deactivate_officer(c, officer)) not_found("有効な登録担当者", "active officer", id);
    // RFC 5280 reason 3, affiliationChanged: the person is no longer an officer.
    json serials = inkan::store::revoke_officer_certificates(c, officer, 3);
    inkan::store::supersede_unfinished_pickups(c, officer);
    inkan::store::expire_officer_sessions(c, officer);
    inkan::audit::append(c, actor(), "officer.revoked", "officer:" + id, {{"revoked_serials", serials}});
    tx.commit();
    return {{"officer_id", std::stoll(id)}, {"status", "revoked"}, {"revoked_serials", serials}};
}

json officer_reissue_pin(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "OFFICER_ID");
    return pickup_json(inkan::enroll::create_pickup(c, std::stoll(id), actor()));
}

// Every given word names one of `known`; returns them in the stored spelling.
template <class Value>
void require_known(const std::vector<std::string>& given, const std::vector<Value>& known, const char* what) {
    if (given.empty()) usage_error(std::string("--") + what + " needs at least one value", std::string("--") + what + " を指定してください");
    std::string all;
    for (auto k : known) all += (all.empty() ? "" : ",") + std::string(inkan::authz::to_string(k));
    for (const auto& g : given) {
        bool found = false;
        for (auto k : known) found = found || inkan::authz::to_string(k) == g;
        if (!found) {
            throw inkan::Error(codes::kBadGrant, {std::string(what) + " に不明な値があります: " + g + " (使用可能: " + all + ")",
                                                  "unknown " + std::string(what) + " value: " + g + " (known: " + all + ")"});
        }
    }
}

json grant_add(inkan::store::Connection& c, const Args& a) {
    int64_t officer = a.need_id("officer");
    std::string domain = a.need("domain");
    auto subtree = a.get("subtree");
    auto kinds = inkan::text::comma_list(a.need("kinds")), actions = inkan::text::comma_list(a.need("actions"));
    require_known(kinds, inkan::authz::grantable_kinds(), "kinds");
    require_known(actions, inkan::authz::all_actions(), "actions");
    if (subtree) {
        if (auto v = inkan::policy::check_registrable_domain(*subtree)) {
            throw inkan::Error(codes::kBadGrant, {"--subtree: " + v->ja, "--subtree: " + v->en});
        }
        if (!inkan::policy::within(*subtree, domain)) {
            throw inkan::Error(codes::kBadGrant, {"--subtree は " + domain + " の配下にしてください。",
                                                  "--subtree must lie inside " + domain + "."});
        }
    }
    inkan::store::Transaction tx(c);
    // Officer and domain must belong to the same institution.
    auto domain_id = inkan::store::officer_domain_id(c, officer, domain);
    if (!domain_id) {
        throw inkan::Error(codes::kBadGrant, {"登録担当者 " + std::to_string(officer) + " の機関にドメイン " + domain + " がありません。",
                                              "Domain " + domain + " is not registered for officer " + std::to_string(officer) + "'s institution."});
    }
    int64_t grant = inkan::store::upsert_grant(c, officer, *domain_id, subtree, kinds, actions);
    inkan::audit::append(c, actor(), "grant.set", "grant:" + std::to_string(grant),
                         {{"officer_id", officer}, {"domain", domain}, {"subtree", subtree ? json(*subtree) : json()},
                          {"kinds", kinds}, {"actions", actions}});
    tx.commit();
    return {{"grant_id", grant}, {"officer_id", officer}, {"domain", domain},
            {"subtree", subtree ? json(*subtree) : json()}, {"kinds", kinds}, {"actions", actions}};
}

json grant_list(inkan::store::Connection& c, const Args& a) {
    return inkan::store::list_grants(c, a.get_id("officer"));
}

json grant_remove(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "GRANT_ID");
    inkan::store::Transaction tx(c);
    auto officer = inkan::store::delete_grant(c, std::stoll(id));
    if (!officer) not_found("付与", "grant", id);
    inkan::audit::append(c, actor(), "grant.removed", "grant:" + id, {{"officer_id", *officer}});
    tx.commit();
    return {{"id", std::stoll(id)}, {"officer_id", *officer}};
}

Register commands({
    {"officer", "add", "--institution ID --name NAME --email MAIL",
     "register an officer, queue the pickup-link mail and print the access PIN", officer_add},
    {"officer", "list", "[--institution ID]", "list officers", officer_list},
    {"officer", "revoke", "OFFICER_ID", "revoke an officer and their officer certificates", officer_revoke},
    {"officer", "reissue-pin", "OFFICER_ID", "new pickup link and PIN (after a lockout or expiry)", officer_reissue_pin},
    {"grant", "add", "--officer ID --domain DOMAIN [--subtree SUB] --kinds server,client,smime,acme --actions issue,renew,...",
     "grant an officer certificate kinds and actions for a domain or a subtree of it", grant_add},
    {"grant", "list", "[--officer ID]", "list grants", grant_list},
    {"grant", "remove", "GRANT_ID", "remove a grant", grant_remove},
});

}  // namespace
}  // namespace inkanctl

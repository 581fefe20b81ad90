// officer, grant: registration officers, their pickups and their grants.
#include <algorithm>

#include "authz/kinds.hpp"
#include "cli.hpp"
#include "enroll/pickup.hpp"
#include "policy/names.hpp"
#include "rows.hpp"
#include "store/audit.hpp"
#include "util/codes.hpp"

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
        if (c.query("SELECT 1 FROM institutions WHERE id = $1", institution).empty()) {
            not_found("機関", "institution", std::to_string(institution));
        }
        auto r = c.query("INSERT INTO officers (institution_id, name, email) VALUES ($1, $2, $3) "
                         "ON CONFLICT (institution_id, email) DO NOTHING RETURNING id",
                         institution, name, email);
        if (r.empty()) throw bad_officer("--email", {"この機関にすでに登録されています。", "already registered for this institution."});
        id = r.integer(0, 0);
        inkan::audit::append(c, actor(), "officer.added", "officer:" + std::to_string(id),
                             {{"institution_id", institution}, {"name", name}, {"email", email}});
        tx.commit();
    }
    json out = {{"officer_id", id}, {"name", name}, {"email", email}};
    out.update(pickup_json(inkan::enroll::create_pickup(c, id, actor())));
    return out;
}

json officer_list(inkan::store::Connection& c, const Args& a) {
    return rows_json(c.query(
        "SELECT o.id, o.name, o.email, o.institution_id, o.status, "
        "(SELECT p.state FROM officer_pickups p WHERE p.officer_id = o.id ORDER BY p.id DESC LIMIT 1) AS pickup, "
        "(SELECT to_char(max(ce.not_after), 'YYYY-MM-DD') FROM certificates ce WHERE ce.officer_id = o.id "
        " AND ce.kind = 'officer' AND ce.revoked_at IS NULL) AS cert_valid_until "
        "FROM officers o WHERE ($1::bigint IS NULL OR o.institution_id = $1) ORDER BY o.id",
        a.get("institution")));
}

json officer_revoke(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "OFFICER_ID");
    inkan::store::Transaction tx(c);
    auto r = c.query("UPDATE officers SET status = 'revoked' WHERE id = $1::bigint AND status = 'active' RETURNING id", id);
    if (r.empty()) not_found("有効な登録担当者", "active officer", id);
    // RFC 5280 reason 3, affiliationChanged: the person is no longer an officer.
    auto certs = c.query("UPDATE certificates SET revoked_at = now(), revocation_reason = 3 "
                         "WHERE officer_id = $1::bigint AND kind = 'officer' AND revoked_at IS NULL RETURNING serial",
                         id);
    c.query("UPDATE officer_pickups SET state = 'superseded', updated_at = now() "
            "WHERE officer_id = $1::bigint AND state IN ('open', 'locked', 'issuing')", id);
    c.query("UPDATE officer_sessions SET ended_at = now(), end_reason = 'expired' WHERE officer_id = $1::bigint AND ended_at IS NULL", id);
    json serials = json::array();
    for (int i = 0; i < certs.rows(); ++i) serials.push_back(certs.text(i, 0));
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
    auto kinds = split_list(a.need("kinds")), actions = split_list(a.need("actions"));
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
    auto d = c.query("SELECT d.id FROM domains d JOIN officers o ON o.institution_id = d.institution_id "
                     "WHERE d.name = $1 AND o.id = $2 AND o.status = 'active'",
                     domain, officer);
    if (d.empty()) {
        throw inkan::Error(codes::kBadGrant, {"登録担当者 " + std::to_string(officer) + " の機関にドメイン " + domain + " がありません。",
                                              "Domain " + domain + " is not registered for officer " + std::to_string(officer) + "'s institution."});
    }
    auto r = c.query("INSERT INTO grants (officer_id, domain_id, subtree, kinds, actions) VALUES ($1, $2, $3, $4::text[], $5::text[]) "
                     "ON CONFLICT (officer_id, domain_id, coalesce(subtree, '')) DO UPDATE SET kinds = EXCLUDED.kinds, actions = EXCLUDED.actions "
                     "RETURNING id",
                     officer, d.integer(0, 0), subtree, inkan::store::text_array(kinds), inkan::store::text_array(actions));
    inkan::audit::append(c, actor(), "grant.set", "grant:" + r.text(0, 0),
                         {{"officer_id", officer}, {"domain", domain}, {"subtree", subtree ? json(*subtree) : json()},
                          {"kinds", kinds}, {"actions", actions}});
    tx.commit();
    return {{"grant_id", r.integer(0, 0)}, {"officer_id", officer}, {"domain", domain},
            {"subtree", subtree ? json(*subtree) : json()}, {"kinds", kinds}, {"actions", actions}};
}

json grant_list(inkan::store::Connection& c, const Args& a) {
    return rows_json(c.query(
        "SELECT g.id, g.officer_id, d.name AS domain, g.subtree, array_to_string(g.kinds, ',') AS kinds, "
        "array_to_string(g.actions, ',') AS actions FROM grants g JOIN domains d ON d.id = g.domain_id "
        "WHERE ($1::bigint IS NULL OR g.officer_id = $1) ORDER BY g.id",
        a.get("officer")));
}

json grant_remove(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "GRANT_ID");
    inkan::store::Transaction tx(c);
    auto r = c.query("DELETE FROM grants WHERE id = $1::bigint RETURNING id, officer_id", id);
    if (r.empty()) not_found("付与", "grant", id);
    inkan::audit::append(c, actor(), "grant.removed", "grant:" + id, {{"officer_id", r.integer(0, 1)}});
    tx.commit();
    return first_row(r);
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

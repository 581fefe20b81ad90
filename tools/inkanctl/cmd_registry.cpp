// institution, domain: what the service desk registers for an institution.
#include "cli.hpp"
#include "policy/names.hpp"
#include "rows.hpp"
#include "store/audit.hpp"
#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkanctl {
namespace {

using inkan::policy::Violation;

void require(const Violation& v, const char* code, const std::string& field) {
    if (v) throw inkan::Error(code, {field + ": " + v->ja, field + ": " + v->en});
}

json institution_add(inkan::store::Connection& c, const Args& a) {
    std::string name_en = a.need("name-en"), st = a.need("st"), l = a.need("l");
    require(inkan::policy::check_dn_value(name_en), inkan::codes::kBadInstitutionField, "O (--name-en)");
    require(inkan::policy::check_dn_value(st), inkan::codes::kBadInstitutionField, "ST (--st)");
    require(inkan::policy::check_locality(l), inkan::codes::kBadInstitutionField, "L (--l)");
    auto name_ja = a.get("name-ja");
    if (name_ja && (!inkan::text::valid_utf8(*name_ja) || inkan::text::has_control_character(*name_ja))) {
        throw inkan::Error(inkan::codes::kBadInstitutionField,
                           {"--name-ja: UTF-8 の文字列で、制御文字を含められません。", "--name-ja: UTF-8 text without control characters."});
    }
    inkan::store::Transaction tx(c);
    auto r = c.query("INSERT INTO institutions (name_en, name_ja, st, l) VALUES ($1, $2, $3, $4) "
                     "ON CONFLICT (name_en) DO NOTHING RETURNING id, name_en, name_ja, st, l, status",
                     name_en, name_ja, st, l);
    if (r.empty()) {
        throw inkan::Error(inkan::codes::kBadInstitutionField,
                           {"同じ英語名の機関がすでにあります: " + name_en, "An institution named " + name_en + " exists already."});
    }
    inkan::audit::append(c, actor(), "institution.added", "institution:" + r.text(0, 0),
                         {{"name_en", name_en}, {"st", st}, {"l", l}});
    tx.commit();
    return first_row(r);
}

json institution_list(inkan::store::Connection& c, const Args&) {
    return rows_json(c.query(
        "SELECT i.id, i.name_en, i.name_ja, i.st, i.l, i.status, "
        "(SELECT count(*) FROM domains d WHERE d.institution_id = i.id) AS domains, "
        "(SELECT count(*) FROM officers o WHERE o.institution_id = i.id AND o.status = 'active') AS officers "
        "FROM institutions i ORDER BY i.id"));
}

json institution_set_status(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "ID"), status = a.arg(1, "active|inactive");
    if (status != "active" && status != "inactive") usage_error("status is active or inactive", "状態は active か inactive です");
    inkan::store::Transaction tx(c);
    auto r = c.query("UPDATE institutions SET status = $2 WHERE id = $1::bigint RETURNING id, name_en, status", id, status);
    if (r.empty()) not_found("機関", "institution", id);
    inkan::audit::append(c, actor(), "institution.status_set", "institution:" + id, {{"status", status}});
    tx.commit();
    return first_row(r);
}

json domain_add(inkan::store::Connection& c, const Args& a) {
    int64_t institution = a.need_id("institution");
    std::string name = a.arg(0, "DOMAIN");
    require(inkan::policy::check_registrable_domain(name), inkan::codes::kBadDomain, "domain");
    inkan::store::Transaction tx(c);
    if (c.query("SELECT 1 FROM institutions WHERE id = $1", institution).empty()) {
        not_found("機関", "institution", std::to_string(institution));
    }
    // A domain inside (or around) another institution's domain would let
    // that institution apply for names it does not hold.
    auto overlap = c.query("SELECT name, institution_id FROM domains WHERE institution_id <> $1 AND "
                           "(right($2, length(name) + 1) = '.' || name OR right(name, length($2) + 1) = '.' || $2) "
                           "ORDER BY name LIMIT 1",
                           institution, name);
    bool allow_overlap = a.get("allow-overlap").has_value();
    if (!overlap.empty() && !allow_overlap) {
        std::string other = overlap.text(0, 0) + " (institution " + overlap.text(0, 1) + ")";
        throw inkan::Error(inkan::codes::kBadDomain,
                           {"他の機関のドメインと重なります: " + other + "。意図した登録なら --allow-overlap を付けてください (監査ログに残ります)。",
                            "The domain overlaps another institution's domain " + other +
                                "; add --allow-overlap if this is intended (it is audited)."});
    }
    auto r = c.query("INSERT INTO domains (institution_id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING "
                     "RETURNING id, institution_id, name",
                     institution, name);
    if (r.empty()) {
        throw inkan::Error(inkan::codes::kBadDomain, {"ドメインはすでに登録されています: " + name, "The domain is registered already: " + name});
    }
    nlohmann::json detail = {{"name", name}, {"institution_id", institution}};
    if (!overlap.empty()) detail["overlaps"] = overlap.text(0, 0);
    inkan::audit::append(c, actor(), "domain.added", "domain:" + r.text(0, 0), detail);
    tx.commit();
    return first_row(r);
}

json domain_list(inkan::store::Connection& c, const Args& a) {
    return rows_json(c.query(
        "SELECT d.id, d.name, d.institution_id, i.name_en AS institution FROM domains d "
        "JOIN institutions i ON i.id = d.institution_id WHERE ($1::bigint IS NULL OR d.institution_id = $1) ORDER BY d.name",
        a.get("institution")));
}

json allowlist_add(inkan::store::Connection& c, const Args& a) {
    std::string domain = a.need("domain"), ou = a.arg(0, "OU");
    require(inkan::policy::check_dn_value(ou), inkan::codes::kBadInstitutionField, "OU");
    inkan::store::Transaction tx(c);
    auto d = c.query("SELECT id FROM domains WHERE name = $1", domain);
    if (d.empty()) not_found("ドメイン", "domain", domain);
    auto r = c.query("INSERT INTO ou_allowlist (domain_id, ou) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id",
                     d.integer(0, 0), ou);
    if (!r.empty()) inkan::audit::append(c, actor(), "allowlist.added", "domain:" + d.text(0, 0), {{"ou", ou}});
    tx.commit();
    return {{"domain", domain}, {"ou", ou}};
}

json allowlist_list(inkan::store::Connection& c, const Args& a) {
    return rows_json(c.query("SELECT d.name AS domain, a.ou FROM ou_allowlist a JOIN domains d ON d.id = a.domain_id "
                             "WHERE ($1::text IS NULL OR d.name = $1) ORDER BY d.name, a.ou",
                             a.get("domain")));
}

Register commands({
    {"institution", "add", "--name-en O --st ST --l L [--name-ja NAME]", "register an institution (UPKI DN rules)", institution_add},
    {"institution", "list", "", "list institutions", institution_list},
    {"institution", "set-status", "ID active|inactive", "activate or deactivate an institution", institution_set_status},
    {"domain", "add", "DOMAIN --institution ID [--allow-overlap]",
     "register a domain (no public suffixes; not inside or around another institution's domain unless --allow-overlap)",
     domain_add},
    {"domain", "list", "[--institution ID]", "list registered domains", domain_list},
    {"allowlist", "add", "OU --domain DOMAIN", "allow an OU for a domain (client certificates; server certificates when server_ou_policy=allowlist)", allowlist_add},
    {"allowlist", "list", "[--domain DOMAIN]", "list the OU allow list", allowlist_list},
});

}  // namespace
}  // namespace inkanctl

// institution, domain: what the service desk registers for an institution.
#include <regex>
#include <algorithm>

#include "cli.hpp"
#include "policy/names.hpp"
#include "store/audit.hpp"
#include "store/registry.hpp"
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
    auto row = inkan::store::insert_institution(c, name_en, name_ja, st, l);
    if (!row) {
        throw inkan::Error(inkan::codes::kBadInstitutionField,
                           {"同じ英語名の機関がすでにあります: " + name_en, "An institution named " + name_en + " exists already."});
    }
    inkan::audit::append(c, actor(), "institution.added", "institution:" + std::to_string((*row)["id"].get<int64_t>()),
                         {{"name_en", name_en}, {"st", st}, {"l", l}});
    tx.commit();
    return *row;
}

json institution_list(inkan::store::Connection& c, const Args&) {
    return inkan::store::list_institutions(c);
}

json institution_set_status(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "ID"), status = a.arg(1, "active|inactive");
    if (status != "active" && status != "inactive") usage_error("status is active or inactive", "状態は active か inactive です");
    inkan::store::Transaction tx(c);
    auto row = inkan::store::set_institution_status(c, std::stoll(id), status);
    if (!row) not_found("機関", "institution", id);
    inkan::audit::append(c, actor(), "institution.status_set", "institution:" + id, {{"status", status}});
    tx.commit();
    return *row;
}

// none, or http-01 and/or dns-01: what ACME clients must also prove for every name.
json institution_set_acme_challenges(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "ID"), list = a.arg(1, "none|http-01|dns-01|http-01,dns-01");
    std::vector<std::string> types;
    if (list != "none") types = inkan::text::comma_list(list);
    for (const auto& t : types) {
        if (t != "http-01" && t != "dns-01") usage_error("challenge types are http-01 and dns-01, or none", "チャレンジは http-01 と dns-01、または none です");
    }
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    inkan::store::Transaction tx(c);
    auto row = inkan::store::set_institution_acme_challenges(c, std::stoll(id), types);
    if (!row) not_found("機関", "institution", id);
    inkan::audit::append(c, actor(), "institution.acme_challenges_set", "institution:" + id, {{"types", types}});
    tx.commit();
    return *row;
}

// S/MIME BR 7.1.4.2.2: e.g. NTRJP-1234567890123 (NTR, country, the corporate number).
json institution_set_org_id(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg_id(0, "ID"), value = a.arg(1, "NTRJP-NUMBER");
    static const std::regex shape("(NTR|GOV|INT|LEI|VAT|PSD)[A-Z]{2}(\\+[A-Z0-9]{1,3})?-[A-Za-z0-9.-]{1,64}");
    if (!std::regex_match(value, shape)) {
        usage_error("organizationIdentifier looks like NTRJP-1234567890123 (scheme, country, -, registration number)",
                    "organizationIdentifier は NTRJP-1234567890123 の形 (方式, 国, -, 登録番号) です");
    }
    inkan::store::Transaction tx(c);
    auto row = inkan::store::set_institution_organization_identifier(c, std::stoll(id), value);
    if (!row) not_found("機関", "institution", id);
    inkan::audit::append(c, actor(), "institution.organization_identifier_set", "institution:" + id, {{"value", value}});
    tx.commit();
    return *row;
}

json domain_add(inkan::store::Connection& c, const Args& a) {
    int64_t institution = a.need_id("institution");
    std::string name = a.arg(0, "DOMAIN");
    require(inkan::policy::check_registrable_domain(name), inkan::codes::kBadDomain, "domain");
    inkan::store::Transaction tx(c);
    if (!inkan::store::institution_exists(c, institution)) {
        not_found("機関", "institution", std::to_string(institution));
    }
    // A domain inside (or around) another institution's domain would let
    // that institution apply for names it does not hold.
    auto overlap = inkan::store::overlapping_domain(c, institution, name);
    bool allow_overlap = a.get("allow-overlap").has_value();
    if (overlap && !allow_overlap) {
        std::string other = overlap->name + " (institution " + std::to_string(overlap->institution_id) + ")";
        throw inkan::Error(inkan::codes::kBadDomain,
                           {"他の機関のドメインと重なります: " + other + "。意図した登録なら --allow-overlap を付けてください (監査ログに残ります)。",
                            "The domain overlaps another institution's domain " + other +
                                "; add --allow-overlap if this is intended (it is audited)."});
    }
    auto row = inkan::store::insert_domain(c, institution, name);
    if (!row) {
        throw inkan::Error(inkan::codes::kBadDomain, {"ドメインはすでに登録されています: " + name, "The domain is registered already: " + name});
    }
    nlohmann::json detail = {{"name", name}, {"institution_id", institution}};
    if (overlap) detail["overlaps"] = overlap->name;
    inkan::audit::append(c, actor(), "domain.added", "domain:" + std::to_string((*row)["id"].get<int64_t>()), detail);
    tx.commit();
    return *row;
}

json domain_list(inkan::store::Connection& c, const Args& a) {
    return inkan::store::list_domains(c, a.get_id("institution"));
}

json allowlist_add(inkan::store::Connection& c, const Args& a) {
    std::string domain = a.need("domain"), ou = a.arg(0, "OU");
    require(inkan::policy::check_dn_value(ou), inkan::codes::kBadInstitutionField, "OU");
    inkan::store::Transaction tx(c);
    auto id = inkan::store::domain_id(c, domain);
    if (!id) not_found("ドメイン", "domain", domain);
    if (inkan::store::insert_allowlist(c, *id, ou)) {
        inkan::audit::append(c, actor(), "allowlist.added", "domain:" + std::to_string(*id), {{"ou", ou}});
    }
    tx.commit();
    return {{"domain", domain}, {"ou", ou}};
}

json allowlist_list(inkan::store::Connection& c, const Args& a) {
    return inkan::store::list_allowlist(c, a.get("domain"));
}

Register commands({
    {"institution", "add", "--name-en O --st ST --l L [--name-ja NAME]", "register an institution (UPKI DN rules)", institution_add},
    {"institution", "list", "", "list institutions", institution_list},
    {"institution", "set-status", "ID active|inactive", "activate or deactivate an institution", institution_set_status},
    {"institution", "set-acme-challenges", "ID none|http-01|dns-01|http-01,dns-01",
     "what ACME clients must prove for every name besides the officer's registration", institution_set_acme_challenges},
    {"institution", "set-org-id", "ID NTRJP-NUMBER",
     "the registration reference S/MIME certificates name (organizationIdentifier, e.g. NTRJP-<corporate number>)",
     institution_set_org_id},
    {"domain", "add", "DOMAIN --institution ID [--allow-overlap]",
     "register a domain (no public suffixes; not inside or around another institution's domain unless --allow-overlap)",
     domain_add},
    {"domain", "list", "[--institution ID]", "list registered domains", domain_list},
    {"allowlist", "add", "OU --domain DOMAIN", "allow an OU for a domain (client certificates; server certificates when server_ou_policy=allowlist)", allowlist_add},
    {"allowlist", "list", "[--domain DOMAIN]", "list the OU allow list", allowlist_list},
});

}  // namespace
}  // namespace inkanctl

// migrate, setting, profile, audit: operating the database itself.
#include "cli.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/migrations.hpp"
#include "store/profiles.hpp"
#include "store/settings_rows.hpp"
#include "util/text.hpp"

namespace inkanctl {
namespace {

json migrate(inkan::store::Connection& c, const Args&) {
    auto applied = inkan::store::migrate(c);
    return {{"applied", applied}, {"migrations_known", inkan::store::migrations().size()}};
}

json setting_set(inkan::store::Connection& c, const Args& a) {
    std::string name = a.arg(0, "NAME"), value = a.arg(1, "VALUE");
    inkan::store::Transaction tx(c);
    inkan::settings::set(c, name, value);
    inkan::audit::append(c, actor(), "setting.set", "setting:" + name, {{"value", value}});
    tx.commit();
    return {{"name", name}, {"value", value}};
}

json setting_list(inkan::store::Connection& c, const Args&) {
    json out = json::array();
    for (const auto& k : inkan::settings::known()) {
        auto stored = inkan::store::setting_value(c, k.name);
        out.push_back({{"name", k.name},
                       {"value", stored ? *stored : std::string(k.default_value)},
                       {"source", stored ? "database" : (k.default_value.empty() ? "unset" : "default")},
                       {"help", k.help}});
    }
    return out;
}

json profile_list(inkan::store::Connection& c, const Args&) {
    json out = json::array();
    auto catalog = inkan::store::load_profiles(c);
    for (const auto& p : catalog.all()) {
        std::vector<std::string> keys;
        for (auto k : p.key_types) keys.emplace_back(inkan::profile::to_string(k));
        std::string validity = p.validity_days ? std::to_string(*p.validity_days) + " days"
                                               : std::to_string(p.validity_months.value_or(0)) + " months";
        out.push_back({{"id", p.id}, {"kind", inkan::authz::to_string(p.kind)}, {"name", p.name.en},
                       {"keys", keys}, {"validity", validity}, {"issuing_ca", p.issuing_ca},
                       {"issuable", p.issuable}, {"replaced_by", p.replaced_by}});
    }
    return out;
}

json profile_set_keys(inkan::store::Connection& c, const Args& a) {
    std::string id = a.arg(0, "ID"), list = a.arg(1, "KEY,KEY");
    std::vector<std::string> keys = inkan::text::comma_list(list);
    if (keys.empty()) usage_error("name at least one key type", "鍵の種類を1つ以上指定してください");
    for (const auto& k : keys) {
        if (!inkan::profile::parse_key_type(k)) usage_error("key types are rsa-2048, ec-p256, ec-p384", "鍵の種類は rsa-2048, ec-p256, ec-p384 です");
    }
    inkan::store::Transaction tx(c);
    if (!inkan::store::set_profile_key_types(c, id, keys)) not_found("プロファイル", "profile", id);
    inkan::audit::append(c, actor(), "profile.key_types_set", "profile:" + id, {{"key_types", keys}});
    tx.commit();
    return {{"id", id}, {"keys", keys}};
}

json audit_verify(inkan::store::Connection& c, const Args&) {
    auto v = inkan::audit::verify(c);
    json out = {{"ok", v.ok}, {"rows", v.rows}};
    if (!v.ok) {
        out["first_broken_seq"] = *v.first_broken_seq;
        out["reason"] = v.reason;
    }
    return out;
}

json audit_list(inkan::store::Connection& c, const Args& a) {
    return inkan::audit::newest(c, a.get_id("limit").value_or(50));
}

Register commands({
    {"migrate", "", "", "apply the pending schema migrations", migrate},
    {"setting", "set", "NAME VALUE", "set a service setting", setting_set},
    {"setting", "list", "", "show all settings with their values and defaults", setting_list},
    {"profile", "list", "", "show the certificate profiles (table profiles) and which are issuable", profile_list},
    {"profile", "set-keys", "ID KEY[,KEY...]",
     "set the key types a profile accepts (e.g. acme-11 ec-p384,ec-p256 to allow P-256 ACME keys)", profile_set_keys},
    {"audit", "verify", "", "check the audit log's hash chain; reports the first broken link and exits 1", audit_verify},
    {"audit", "list", "[--limit N]", "show the newest audit entries", audit_list},
});

}  // namespace
}  // namespace inkanctl

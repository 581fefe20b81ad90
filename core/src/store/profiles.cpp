#include "store/profiles.hpp"

#include <nlohmann/json.hpp>

namespace inkan::store {

namespace {
profile::Cap cap_of(const std::string& word) {
    if (word == "tls") return profile::Cap::tls;
    if (word == "smime") return profile::Cap::smime;
    return profile::Cap::none;
}

std::optional<profile::Delivery> delivery_of(const std::string& word) {
    if (word == "download-link") return profile::Delivery::download_link;
    if (word == "pkcs12-pin") return profile::Delivery::pkcs12_pin;
    if (word == "acme-order") return profile::Delivery::acme_order;
    if (word == "officer-pickup") return profile::Delivery::officer_pickup;
    return std::nullopt;
}

std::optional<int> opt_int(const Result& r, int row, int col) {
    return r.is_null(row, col) ? std::nullopt : std::optional<int>(static_cast<int>(r.integer(row, col)));
}
}  // namespace

profile::Catalog load_profiles(Connection& c) {
    auto r = c.query(
        "SELECT id, kind, name_ja, name_en, array_to_json(key_types)::text, validity_days, validity_months, cabf_cap, "
        "issuing_ca, extended_key_usage, coalesce(policy_oids_setting, ''), lint, coalesce(tsv_schema, ''), delivery, "
        "issuable, coalesce(replaced_by, '') FROM profiles ORDER BY kind, length(id), id");
    std::vector<profile::Profile> out;
    for (int i = 0; i < r.rows(); ++i) {
        profile::Profile p;
        p.id = r.text(i, 0);
        auto kind = authz::parse_kind(r.text(i, 1));
        auto delivery = delivery_of(r.text(i, 13));
        p.name = {r.text(i, 2), r.text(i, 3)};
        for (const auto& word : nlohmann::json::parse(r.text(i, 4)).get<std::vector<std::string>>()) {
            if (auto t = profile::parse_key_type(word)) p.key_types.push_back(*t);
        }
        p.validity_days = opt_int(r, i, 5);
        p.validity_months = opt_int(r, i, 6);
        p.cap = cap_of(r.text(i, 7));
        p.issuing_ca = r.text(i, 8);
        p.extended_key_usage = r.text(i, 9);
        p.policy_oids_setting = r.text(i, 10);
        p.lint = r.text(i, 11);
        p.tsv_schema = r.text(i, 12);
        p.issuable = r.boolean(i, 14) && kind && delivery;
        p.replaced_by = r.text(i, 15);
        if (kind) p.kind = *kind;
        if (delivery) p.delivery = *delivery;
        if (!p.issuable && !kind) p.key_types.clear();
        out.push_back(std::move(p));
    }
    return profile::Catalog(std::move(out));
}

bool set_profile_key_types(Connection& c, const std::string& id, const std::vector<std::string>& key_types) {
    return !c.query("UPDATE profiles SET key_types = $2::text[] WHERE id = $1 RETURNING id", id, text_array(key_types)).empty();
}

}  // namespace inkan::store

#include "worker/round.hpp"

#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/grants.hpp"
#include "store/profiles.hpp"
#include "store/reauthorization.hpp"

namespace inkan::worker {

const profile::Catalog& Round::catalog() {
    if (!catalog_) catalog_ = store::load_profiles(c_);
    return *catalog_;
}

const Authority& Round::authority(const std::string& role) {
    if (auto it = by_role_.find(role); it != by_role_.end()) return authorities_.at(it->second);
    Authority ca = load_authority(c_, keys_, role);
    int64_t id = ca.id;
    by_role_[role] = id;
    return authorities_.insert_or_assign(id, std::move(ca)).first->second;
}

const Authority& Round::authority_by_id(int64_t id) {
    if (auto it = authorities_.find(id); it != authorities_.end()) return it->second;
    return authorities_.emplace(id, load_authority_by_id(c_, keys_, id)).first->second;
}

const IssuanceSettings& Round::settings(const profile::Profile& p) {
    if (auto it = settings_.find(p.id); it != settings_.end()) return it->second;
    return settings_.emplace(p.id, IssuanceSettings(c_, p)).first->second;
}

int64_t Round::ocsp_hours() {
    if (!ocsp_hours_) ocsp_hours_ = settings::get_int(c_, "ocsp_hours");
    return *ocsp_hours_;
}

bool Round::acting_officer(int64_t institution_id, int64_t officer_id) {
    auto key = std::make_pair(institution_id, officer_id);
    if (auto it = acting_.find(key); it != acting_.end()) return it->second;
    return acting_[key] = store::acting_officer(c_, institution_id, officer_id);
}

const std::vector<std::string>& Round::registered_domains(int64_t institution_id) {
    if (auto it = domains_.find(institution_id); it != domains_.end()) return it->second;
    return domains_[institution_id] = store::registered_domains(c_, institution_id);
}

const std::vector<authz::Grant>& Round::grants_of(int64_t officer_id) {
    if (auto it = grants_.find(officer_id); it != grants_.end()) return it->second;
    return grants_[officer_id] = store::grants_of(c_, officer_id);
}

void Round::audit_later(std::string actor, std::string action, std::string object, nlohmann::json detail) {
    audits_.push_back({std::move(actor), std::move(action), std::move(object), std::move(detail)});
}

void Round::flush_audits() {
    audit::append_all(c_, audits_);
    audits_.clear();
}

}  // namespace inkan::worker

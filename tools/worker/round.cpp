#include "worker/round.hpp"

#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/profiles.hpp"

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

void Round::audit_later(std::string actor, std::string action, std::string object, nlohmann::json detail) {
    audits_.push_back({std::move(actor), std::move(action), std::move(object), std::move(detail)});
}

void Round::flush_audits() {
    for (const auto& a : audits_) audit::append(c_, a.actor, a.action, a.object, a.detail);
    audits_.clear();
}

}  // namespace inkan::worker

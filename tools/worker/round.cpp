#include "worker/round.hpp"

#include "settings/settings.hpp"
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

}  // namespace inkan::worker

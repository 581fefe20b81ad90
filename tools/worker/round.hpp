// What every issuance of one batch reads alike — the profiles, the settings,
// the CAs with their keys — read once per batch (one transaction) instead of
// once per certificate.  Changes committed meanwhile apply from the next batch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "profile/profile.hpp"
#include "store/pg.hpp"
#include "worker/authority.hpp"
#include "worker/certificate_spec.hpp"
#include "worker/keystore.hpp"

namespace inkan::worker {

class Round {
public:
    Round(store::Connection& c, KeyStore& keys) : c_(c), keys_(keys) {}

    const profile::Catalog& catalog();
    const Authority& authority(const std::string& role);
    const Authority& authority_by_id(int64_t id);
    const IssuanceSettings& settings(const profile::Profile& p);
    int64_t ocsp_hours();

private:
    store::Connection& c_;
    KeyStore& keys_;
    std::optional<profile::Catalog> catalog_;
    std::map<std::string, int64_t> by_role_;
    std::map<int64_t, Authority> authorities_;
    std::map<std::string, IssuanceSettings> settings_;
    std::optional<int64_t> ocsp_hours_;
};

}  // namespace inkan::worker

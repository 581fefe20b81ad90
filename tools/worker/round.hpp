// What every issuance of one batch reads alike — the profiles, the settings,
// the CAs with their keys — read once per batch (one transaction) instead of
// once per certificate.  Changes committed meanwhile apply from the next batch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "authz/grants.hpp"
#include "profile/profile.hpp"
#include "store/audit.hpp"
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

    // What re-authorization reads, once per round for each institution and officer
    // (the round is one transaction of a few applications, mostly of one upload).
    bool acting_officer(int64_t institution_id, int64_t officer_id);
    const std::vector<std::string>& registered_domains(int64_t institution_id);
    const std::vector<authz::Grant>& grants_of(int64_t officer_id);

    // Audit rows are appended together just before COMMIT: the hash chain
    // serializes appends (audit_head), so appending late keeps a concurrent
    // signer thread from waiting on this whole batch.
    void audit_later(std::string actor, std::string action, std::string object, nlohmann::json detail);
    size_t audits_pending() const { return audits_.size(); }
    void drop_audits_from(size_t mark) { audits_.resize(std::min(mark, audits_.size())); }
    void flush_audits();

private:
    std::vector<audit::Entry> audits_;
    store::Connection& c_;
    KeyStore& keys_;
    std::optional<profile::Catalog> catalog_;
    std::map<std::string, int64_t> by_role_;
    std::map<int64_t, Authority> authorities_;
    std::map<std::string, IssuanceSettings> settings_;
    std::optional<int64_t> ocsp_hours_;
    std::map<std::pair<int64_t, int64_t>, bool> acting_;
    std::map<int64_t, std::vector<std::string>> domains_;
    std::map<int64_t, std::vector<authz::Grant>> grants_;
};

}  // namespace inkan::worker

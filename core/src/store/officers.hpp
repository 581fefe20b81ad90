// Repository of officers as their certificates identify them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "authz/identity.hpp"
#include "store/pg.hpp"

namespace inkan::store {

struct OfficerCredential {
    authz::Identity identity;
    bool certificate_valid = false;  // not revoked, inside its validity
    bool officer_active = false;
    bool institution_active = false;
};

// The officer whose certificate has this SHA-256 fingerprint; `renew_window_days`
// decides Identity::renewable.
std::optional<OfficerCredential> officer_by_fingerprint(Connection& c, const std::string& fingerprint,
                                                        int64_t renew_window_days);

// Remembers the console language ("ja" or "en") the officer chose.
void set_officer_language(Connection& c, int64_t officer_id, const std::string& language);

}  // namespace inkan::store

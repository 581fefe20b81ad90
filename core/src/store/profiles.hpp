// Repository of certificate profiles (table `profiles`).
#pragma once

#include "profile/profile.hpp"
#include "store/pg.hpp"

namespace inkan::store {

// Every profile row.  A row this build cannot read (an unknown kind, key type,
// cap or delivery) is not issuable and accepts no key.
profile::Catalog load_profiles(Connection& c);

// The key types a profile accepts (e.g. P-256 besides P-384 for ACME
// profile 11, when the service enables it); false when there is no such profile.
bool set_profile_key_types(Connection& c, const std::string& id, const std::vector<std::string>& key_types);

}  // namespace inkan::store

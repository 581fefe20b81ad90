// Repository of certificate profiles (table `profiles`).
#pragma once

#include "profile/profile.hpp"
#include "store/pg.hpp"

namespace inkan::store {

// Every profile row.  A row this build cannot read (an unknown kind, key type,
// cap or delivery) is not issuable and accepts no key.
profile::Catalog load_profiles(Connection& c);

}  // namespace inkan::store

// Repository of officers' grants.
#pragma once

#include <cstdint>
#include <vector>

#include "authz/grants.hpp"
#include "store/pg.hpp"

namespace inkan::store {

// The officer's grants; a stored kind or action this build does not know is
// dropped, so it can never widen what the grant allows.
std::vector<authz::Grant> grants_of(Connection& c, int64_t officer_id);

}  // namespace inkan::store

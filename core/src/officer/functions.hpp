// Which officer functions a set of grants opens (UPKI-FORMATS §11).  Only
// functions that exist are listed: client/S-MIME and ACME join when they land.
#pragma once

#include <string>
#include <vector>

#include "authz/grants.hpp"

namespace inkan::officer {

// Stable names used by the JSON API and the console ("server", "inventory", ...).
std::vector<std::string> granted_functions(const std::vector<authz::Grant>& grants);

}  // namespace inkan::officer

// Authorization of one name for one kind and action, from an officer's
// grants (a grant covers its domain, or only its subtree when it has one).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "officer/auth.hpp"

namespace inkan::officer {

bool permits(const std::vector<Grant>& grants, std::string_view name, std::string_view kind, std::string_view action);
// Whether any grant of `kind` covers `name` (what an officer may look at).
bool covers(const std::vector<Grant>& grants, std::string_view name, std::string_view kind);
// The domains and subtrees the grants of `kind` cover (for filtering in SQL).
std::vector<std::string> scopes(const std::vector<Grant>& grants, std::string_view kind);
// Whether any grant allows `action` at all.
bool allows(const std::vector<Grant>& grants, std::string_view action);

}  // namespace inkan::officer

// Authorization of one name for one kind and action, from an officer's
// grants (a grant covers its domain, or only its subtree when it has one).
// Used by the officer endpoints, the upload checks and the worker alike.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authz/kinds.hpp"

namespace inkan::authz {

struct Grant {
    std::string domain;
    std::string subtree;  // empty: whole domain
    std::vector<Kind> kinds;
    std::vector<Action> actions;
};

bool permits(const std::vector<Grant>& grants, std::string_view name, Kind kind, Action action);
// Whether any grant of `kind` covers `name` (what an officer may look at).
bool covers(const std::vector<Grant>& grants, std::string_view name, Kind kind);
// The domains and subtrees the grants of `kind` cover (for filtering in SQL).
std::vector<std::string> scopes(const std::vector<Grant>& grants, Kind kind);
// Whether any grant allows `action` at all / names `kind` at all.
bool allows(const std::vector<Grant>& grants, Action action);
bool has_kind(const std::vector<Grant>& grants, Kind kind);

}  // namespace inkan::authz

#include "authz/grants.hpp"

#include <algorithm>

#include "policy/names.hpp"

namespace inkan::authz {

namespace {
template <class T>
bool has(const std::vector<T>& list, T item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

bool in_scope(const Grant& g, std::string_view name, Kind kind) {
    if (name.substr(0, 2) == "*.") name.remove_prefix(2);
    return policy::within(name, g.subtree.empty() ? g.domain : g.subtree) && has(g.kinds, kind);
}
}  // namespace

bool permits(const std::vector<Grant>& grants, std::string_view name, Kind kind, Action action) {
    return std::any_of(grants.begin(), grants.end(),
                       [&](const Grant& g) { return in_scope(g, name, kind) && has(g.actions, action); });
}

bool covers(const std::vector<Grant>& grants, std::string_view name, Kind kind) {
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return in_scope(g, name, kind); });
}

std::vector<std::string> scopes(const std::vector<Grant>& grants, Kind kind) {
    std::vector<std::string> out;
    for (const auto& g : grants) {
        if (has(g.kinds, kind)) out.push_back(g.subtree.empty() ? g.domain : g.subtree);
    }
    return out;
}

bool allows(const std::vector<Grant>& grants, Action action) {
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return has(g.actions, action); });
}

bool has_kind(const std::vector<Grant>& grants, Kind kind) {
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return has(g.kinds, kind); });
}

}  // namespace inkan::authz

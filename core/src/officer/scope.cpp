#include "officer/scope.hpp"

#include <algorithm>

#include "policy/names.hpp"

namespace inkan::officer {

bool permits(const std::vector<Grant>& grants, std::string_view name, std::string_view kind, std::string_view action) {
    if (name.substr(0, 2) == "*.") name.remove_prefix(2);
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) {
        const std::string& scope = g.subtree.empty() ? g.domain : g.subtree;
        return policy::within(name, scope) && std::find(g.kinds.begin(), g.kinds.end(), kind) != g.kinds.end() &&
               std::find(g.actions.begin(), g.actions.end(), action) != g.actions.end();
    });
}

}  // namespace inkan::officer

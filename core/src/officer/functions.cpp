#include "officer/functions.hpp"

namespace inkan::officer {

std::vector<std::string> granted_functions(const std::vector<authz::Grant>& grants) {
    using authz::Action;
    using authz::Kind;
    std::vector<std::string> out;
    if (authz::has_kind(grants, Kind::server)) out.emplace_back("server");
    // One function for both: a client file carries client and S/MIME lines.
    if (authz::has_kind(grants, Kind::client) || authz::has_kind(grants, Kind::smime)) out.emplace_back("client");
    if (authz::has_kind(grants, Kind::acme)) out.emplace_back("acme");
    if (authz::allows(grants, Action::export_inventory)) out.emplace_back("inventory");
    if (authz::allows(grants, Action::stats)) out.emplace_back("stats");
    if (authz::allows(grants, Action::allowlist)) out.emplace_back("allowlist");
    if (authz::allows(grants, Action::subscriber)) out.emplace_back("subscriber");
    out.emplace_back("logout");
    return out;
}

}  // namespace inkan::officer

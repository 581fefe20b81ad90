// What a certificate is for (Kind) and what an officer may do (Action), with
// the words that grants, applications and certificates store for them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::authz {

enum class Kind { server, client, smime, officer, acme, code_signing, tsa };

enum class Action { issue, renew, revoke, export_inventory, stats, allowlist, subscriber };

std::string_view to_string(Kind kind);
std::string_view to_string(Action action);
std::optional<Kind> parse_kind(std::string_view word);
std::optional<Action> parse_action(std::string_view word);

// The kinds a grant may name (officer certificates are not granted: every
// officer may pick up and renew their own).
const std::vector<Kind>& grantable_kinds();
const std::vector<Action>& all_actions();

// The stored words of a list of kinds or actions (for JSON and SQL).
template <class Value>
std::vector<std::string> to_strings(const std::vector<Value>& values) {
    std::vector<std::string> out;
    for (auto v : values) out.emplace_back(to_string(v));
    return out;
}

}  // namespace inkan::authz

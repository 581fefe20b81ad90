#include "authz/kinds.hpp"

#include <array>
#include <utility>

#include "util/words.hpp"

namespace inkan::authz {

namespace {
constexpr std::array<std::pair<Kind, std::string_view>, 7> kKinds = {{
    {Kind::server, "server"},
    {Kind::client, "client"},
    {Kind::smime, "smime"},
    {Kind::officer, "officer"},
    {Kind::acme, "acme"},
    {Kind::code_signing, "code-signing"},
    {Kind::tsa, "tsa"},
}};

constexpr std::array<std::pair<Action, std::string_view>, 7> kActions = {{
    {Action::issue, "issue"},
    {Action::renew, "renew"},
    {Action::revoke, "revoke"},
    {Action::export_inventory, "export"},
    {Action::stats, "stats"},
    {Action::allowlist, "allowlist"},
    {Action::subscriber, "subscriber"},
}};

}  // namespace

std::string_view to_string(Kind kind) { return words::word_of(kKinds, kind); }
std::string_view to_string(Action action) { return words::word_of(kActions, action); }
std::optional<Kind> parse_kind(std::string_view word) { return words::value_of<Kind>(kKinds, word); }
std::optional<Action> parse_action(std::string_view word) { return words::value_of<Action>(kActions, word); }

const std::vector<Kind>& grantable_kinds() {
    static const std::vector<Kind> k = {Kind::server, Kind::client, Kind::smime, Kind::acme};
    return k;
}

const std::vector<Action>& all_actions() {
    static const std::vector<Action> a = [] {
        std::vector<Action> out;
        for (const auto& [value, word] : kActions) out.push_back(value);
        return out;
    }();
    return a;
}

}  // namespace inkan::authz

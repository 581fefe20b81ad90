#include "officer/functions.hpp"

#include <algorithm>

namespace inkan::officer {

std::vector<Function> granted_functions(const std::vector<Grant>& grants) {
    auto any = [&](auto pred) { return std::any_of(grants.begin(), grants.end(), pred); };
    auto has_kind = [&](const std::string& k) {
        return any([&](const Grant& g) { return std::find(g.kinds.begin(), g.kinds.end(), k) != g.kinds.end(); });
    };
    auto has_action = [&](const std::string& a) {
        return any([&](const Grant& g) { return std::find(g.actions.begin(), g.actions.end(), a) != g.actions.end(); });
    };
    std::vector<Function> out;
    if (has_kind("server")) out.push_back({"server", {"サーバ証明書", "Server certificates"}});
    if (has_kind("client") || has_kind("smime"))
        out.push_back({"client", {"クライアント証明書・S/MIME証明書", "Client and S/MIME certificates"}});
    if (has_kind("acme")) out.push_back({"acme", {"ACME", "ACME"}});
    if (has_action("export")) out.push_back({"inventory", {"証明書情報ダウンロード", "Certificate inventory"}});
    if (has_action("stats")) out.push_back({"stats", {"統計情報", "Statistics"}});
    if (has_action("allowlist")) out.push_back({"allowlist", {"許可リスト", "Allow list"}});
    if (has_action("subscriber")) out.push_back({"subscriber", {"利用管理者情報変更", "Subscriber information"}});
    out.push_back({"logout", {"ログアウト", "Log out"}});
    return out;
}

}  // namespace inkan::officer

#include "officer/functions.hpp"

namespace inkan::officer {

std::vector<Function> granted_functions(const std::vector<authz::Grant>& grants) {
    using authz::Action;
    using authz::Kind;
    std::vector<Function> out;
    if (authz::has_kind(grants, Kind::server)) out.push_back({"server", {"サーバ証明書", "Server certificates"}});
    if (authz::has_kind(grants, Kind::client) || authz::has_kind(grants, Kind::smime))
        out.push_back({"client", {"クライアント証明書・S/MIME証明書", "Client and S/MIME certificates"}});
    if (authz::has_kind(grants, Kind::acme)) out.push_back({"acme", {"ACME", "ACME"}});
    if (authz::allows(grants, Action::export_inventory))
        out.push_back({"inventory", {"証明書情報ダウンロード", "Certificate inventory"}});
    if (authz::allows(grants, Action::stats)) out.push_back({"stats", {"統計情報", "Statistics"}});
    if (authz::allows(grants, Action::allowlist)) out.push_back({"allowlist", {"許可リスト", "Allow list"}});
    if (authz::allows(grants, Action::subscriber)) out.push_back({"subscriber", {"利用管理者情報変更", "Subscriber information"}});
    out.push_back({"logout", {"ログアウト", "Log out"}});
    return out;
}

}  // namespace inkan::officer

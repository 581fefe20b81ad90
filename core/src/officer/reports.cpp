// Reports for officers: the inventory exports serverAll.tsv and clientAll.tsv
// (UPKI-FORMATS §10), statistics per domain, and the OU allow list.
#include <map>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "officer/handlers.hpp"
#include "http/spool.hpp"
#include "policy/names.hpp"
#include "store/inventory.hpp"
#include "tsv/encoding.hpp"
#include "tsv/table.hpp"

namespace inkan::officer {

namespace {
using nlohmann::json;

const std::vector<std::string>& inventory_header() {
    static const std::vector<std::string> h = [] {
        const std::string issue = "発行・更新申請-", revoke = "失効申請-";
        std::vector<std::string> out;
        for (const char* n : {"申請ID", "操作ID", "無視フラグ", "主体者DN", "ドメインID", "申請日時", "完了日時", "操作者ID",
                              "カテゴリ", "タスクモデル", "証明書プロファイルID", "ステータス", "利用管理者氏名",
                              "利用管理者所属", "利用管理者E-mail", "利用管理者FQDN", "サーバソフトウェア名", "CSR",
                              "dNSName", "確認フラグ", "トランザクションID", "APIエラーコード", "証明書", "シリアル番号",
                              "フィンガープリント", "有効期間開始", "有効期間終了", "URL有効期限", "アクセスPIN",
                              "その他主体者代替名1", "その他主体者代替名2"}) {
            out.push_back(issue + n);
        }
        for (const char* n : {"申請ID", "操作ID", "申請日時", "完了日時", "操作者ID", "失効理由コード", "失効理由",
                              "確認コード", "トランザクションID", "認証局エラーコード", "操作者E-mail"}) {
            out.push_back(revoke + n);
        }
        for (const char* n : {"旧証明書シリアル番号", "差替メールフラグ", "ダウンロード方法", "最終更新日時"}) out.push_back(n);
        return out;
    }();
    return h;
}

// RFC 5280 CRLReason names of the codes UPKI accepts.
const char* reason_text(const std::string& code) {
    static const std::map<int, const char*> names = {
        {0, "unspecified"}, {1, "keyCompromise"}, {3, "affiliationChanged"}, {4, "superseded"}, {5, "cessationOfOperation"}};
    if (code.empty() || code.size() > 2 || code.find_first_not_of("0123456789") != std::string::npos) return "";
    auto it = names.find(std::stoi(code));
    return it == names.end() ? "" : it->second;
}

http::Response tsv_file(const std::string& name, const std::string& utf8) {
    return http::Response{200,
                          {{"Content-Type", "text/tab-separated-values; charset=Shift_JIS"},
                           {"Content-Disposition", "attachment; filename=\"" + name + "\""},
                           {"Cache-Control", "no-store"},
                           {"X-Content-Type-Options", "nosniff"}},
                          tsv::to_cp932(utf8)};
}

}  // namespace

namespace {
// serverAll.tsv or clientAll.tsv: the same 46 columns; a client row's
// category is its kind (client, smime) and its FQDN column the domain of the
// end user's mail, which the grant must cover.
http::Response export_of(Context& ctx, store::Inventory inventory, const std::string& file_name) {
    require_action(ctx, authz::Action::export_inventory);
    // Row by row from the database into a spooled file, each row converted
    // as it comes: memory stays bounded however many certificates there are.
    // The connection is busy while rows arrive: the grants are read before.
    const std::vector<authz::Grant>& grants = ctx.grants();
    http::Spool spool;
    spool.write(tsv::to_cp932(tsv::join_row(inventory_header())));
    store::each_inventory_row(ctx.c, inventory, ctx.who.institution_id, [&](const store::InventoryRow& i) {
        std::string category = inventory == store::Inventory::server ? "server" : i.operation_kind;
        auto kind = authz::parse_kind(category).value_or(authz::Kind::server);
        if (!authz::permits(grants, i.fqdn, kind, authz::Action::export_inventory)) return;
        const std::string& reason = i.revocation_reason;
        std::string reason_label =
            !i.revocation_comment.empty() ? i.revocation_comment : reason.empty() ? "" : reason_text(reason);
        std::vector<std::string> f = {
            i.application_id, i.batch_id, "0", i.subject_dn, i.domain_id, i.applied_at, i.issued_at, i.officer_id,
            category, i.operation, i.profile, i.status, i.subscriber_name, i.subscriber_affiliation, i.subscriber_email,
            i.fqdn, i.server_software, i.csr_base64, i.dns_names, "1", i.application_id, i.error,
            i.der_base64, i.serial, i.fingerprint_hex, i.not_before, i.not_after, i.url_expires_at, "", "", "",
            // revocation block
            i.revocation_id, i.revocation_id, i.revocation_submitted, i.revoked_at, i.revocation_officer_id, reason,
            reason_label, "", i.revocation_id, "", i.revocation_officer_email,
            // tail
            i.old_serial, "0", i.download_method, i.updated_at};
        spool.write(tsv::to_cp932(tsv::join_row(f)));
    });
    http::Response out = tsv_file(file_name, "");
    out.file = spool.finish();
    return out;
}
}  // namespace

http::Response inventory_export(Context& ctx) { return export_of(ctx, store::Inventory::server, "serverAll.tsv"); }
http::Response client_inventory_export(Context& ctx) { return export_of(ctx, store::Inventory::client, "clientAll.tsv"); }

http::Response statistics(Context& ctx) {
    require_action(ctx, authz::Action::stats);
    // domain -> month -> profile -> counts
    std::map<std::string, std::map<std::string, std::map<std::string, std::array<int, 3>>>> counts;
    auto rows = store::statistics_rows(ctx.c, store::Inventory::server, ctx.who.institution_id);
    for (auto& row : store::statistics_rows(ctx.c, store::Inventory::client, ctx.who.institution_id)) rows.push_back(std::move(row));
    for (const auto& row : rows) {
        auto kind = authz::parse_kind(row.kind).value_or(authz::Kind::server);
        if (!authz::permits(ctx.grants(), row.fqdn, kind, authz::Action::stats)) continue;
        std::string domain = row.fqdn;
        for (const auto& g : ctx.grants()) {
            if (policy::within(row.fqdn, g.domain)) domain = g.domain;
        }
        auto& c = counts[domain][row.month][row.profile];
        c[0]++;
        c[1] += row.valid;
        c[2] += row.revoked;
    }
    json out = json::array();
    for (const auto& [domain, months] : counts)
        for (const auto& [month, profiles] : months)
            for (const auto& [profile, c] : profiles)
                out.push_back({{"domain", domain}, {"month", month}, {"profile", profile}, {"issued", c[0]},
                               {"valid", c[1]}, {"revoked", c[2]}});
    return http::Response::json(200, json{{"statistics", out}}.dump());
}

namespace {
// The OU allow list entries of domains the officer holds the allowlist action for.
std::vector<store::AllowlistEntry> visible_allowlist(Context& ctx) {
    require_action(ctx, authz::Action::allowlist);
    std::vector<store::AllowlistEntry> out;
    for (auto& entry : store::ou_allowlist(ctx.c, ctx.who.institution_id)) {
        if (authz::permits(ctx.grants(), entry.domain, authz::Kind::server, authz::Action::allowlist) ||
            authz::permits(ctx.grants(), entry.domain, authz::Kind::client, authz::Action::allowlist)) {
            out.push_back(std::move(entry));
        }
    }
    return out;
}
}  // namespace

http::Response allowlist(Context& ctx) {
    json out = json::array();
    for (const auto& entry : visible_allowlist(ctx)) out.push_back({{"domain", entry.domain}, {"ou", entry.ou}});
    return http::Response::json(200, json{{"allowlist", out}}.dump());
}

http::Response allowlist_download(Context& ctx) {
    std::string out = tsv::join_row({"ドメイン", "OU"});
    for (const auto& entry : visible_allowlist(ctx)) out += tsv::join_row({entry.domain, entry.ou});
    return tsv_file("allowlist.tsv", out);
}

}  // namespace inkan::officer

// Reports for officers: the inventory export serverAll.tsv (UPKI-FORMATS
// §10), statistics per domain, and the OU allow list.
#include <map>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "http/page.hpp"
#include "officer/handlers.hpp"
#include "policy/names.hpp"
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

const char* reason_text(const std::string& code) {
    static const std::map<std::string, const char*> names = {
        {"0", "unspecified"}, {"1", "keyCompromise"}, {"3", "affiliationChanged"}, {"4", "superseded"},
        {"5", "cessationOfOperation"}};
    auto it = names.find(code);
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

// "2026-11-22 10:00:00" in the institution-facing export (UTC).
constexpr const char* kTime = "YYYY/MM/DD HH24:MI:SS";
}  // namespace

http::Response inventory_export(Context& ctx) {
    require_action(ctx, authz::Action::export_inventory);
    auto r = ctx.c.query(
        std::string("SELECT i.application_id, coalesce(i.batch_id::text, ''), i.subject_dn, "
                    "(SELECT d.id FROM domains d WHERE d.institution_id = i.institution_id AND (i.fqdn = d.name OR "
                    "  i.fqdn LIKE '%.' || d.name) ORDER BY length(d.name) DESC LIMIT 1), "
                    "to_char(i.created_at, '") + kTime + "'), coalesce(to_char(i.issued_at, '" + kTime + "'), ''), "
        "i.officer_id, i.operation, coalesce(i.profile, ''), coalesce(i.status::text, ''), "
        "coalesce(i.subscriber_name, ''), coalesce(i.subscriber_affiliation, ''), coalesce(i.subscriber_email, ''), "
        "coalesce(i.fqdn, ''), coalesce(i.server_software, ''), coalesce(encode(i.csr, 'base64'), ''), "
        "coalesce(array_to_string(i.dns_names, ','), ''), coalesce(i.error, ''), coalesce(encode(i.der, 'base64'), ''), "
        "coalesce(i.serial, ''), coalesce(encode(i.fingerprint_sha256, 'hex'), ''), "
        "coalesce(to_char(i.not_before, '" + kTime + "'), ''), coalesce(to_char(i.not_after, '" + kTime + "'), ''), "
        "coalesce(to_char(i.url_expires_at, '" + kTime + "'), ''), "
        "coalesce(i.revocation_id::text, ''), coalesce(to_char(i.revocation_submitted, '" + kTime + "'), ''), "
        "coalesce(to_char(i.revoked_at, '" + kTime + "'), ''), coalesce(i.revocation_officer_id::text, ''), "
        "coalesce(i.revocation_reason::text, ''), coalesce(i.revocation_comment, ''), "
        "coalesce(i.revocation_officer_email, ''), coalesce(i.old_serial, ''), "
        "to_char(greatest(i.updated_at, i.revoked_at, i.first_download), '" + kTime + "') "
        "FROM server_inventory i WHERE i.institution_id = $1 ORDER BY i.application_id",
        ctx.who.institution_id);
    auto one_line = [](std::string s) {  // base64 from PostgreSQL is folded; TSV fields are one line
        s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
        return s;
    };
    std::string out = tsv::join_row(inventory_header());
    for (int i = 0; i < r.rows(); ++i) {
        if (!authz::permits(ctx.grants(), r.text(i, 13), authz::Kind::server, authz::Action::export_inventory)) continue;
        std::string reason = r.text(i, 28);
        std::vector<std::string> f = {
            r.text(i, 0), r.text(i, 1), "0", r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6),
            "server", r.text(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10), r.text(i, 11), r.text(i, 12),
            r.text(i, 13), r.text(i, 14), one_line(r.text(i, 15)), r.text(i, 16), "1", r.text(i, 0), r.text(i, 17),
            one_line(r.text(i, 18)), r.text(i, 19), r.text(i, 20), r.text(i, 21), r.text(i, 22), r.text(i, 23), "", "", "",
            // revocation block
            r.text(i, 24), r.text(i, 24), r.text(i, 25), r.text(i, 26), r.text(i, 27), reason,
            !r.text(i, 29).empty() ? r.text(i, 29) : reason.empty() ? "" : reason_text(reason), "", r.text(i, 24), "",
            r.text(i, 30),
            // tail
            r.text(i, 31), "0", "", r.text(i, 32)};
        out += tsv::join_row(f);
    }
    return tsv_file("serverAll.tsv", out);
}

http::Response statistics(Context& ctx) {
    require_action(ctx, authz::Action::stats);
    auto r = ctx.c.query("SELECT fqdn, to_char(not_before, 'YYYY-MM'), profile, revoked_at IS NOT NULL, "
                         "revoked_at IS NULL AND not_after > now() FROM server_inventory "
                         "WHERE institution_id = $1 AND certificate_id IS NOT NULL",
                         ctx.who.institution_id);
    // domain -> month -> profile -> counts
    std::map<std::string, std::map<std::string, std::map<std::string, std::array<int, 3>>>> counts;
    for (int i = 0; i < r.rows(); ++i) {
        std::string fqdn = r.text(i, 0);
        if (!authz::permits(ctx.grants(), fqdn, authz::Kind::server, authz::Action::stats)) continue;
        std::string domain = fqdn;
        for (const auto& g : ctx.grants()) {
            if (policy::within(fqdn, g.domain)) domain = g.domain;
        }
        auto& c = counts[domain][r.text(i, 1)][r.text(i, 2)];
        c[0]++;
        c[1] += r.boolean(i, 4);
        c[2] += r.boolean(i, 3);
    }
    json out = json::array();
    for (const auto& [domain, months] : counts)
        for (const auto& [month, profiles] : months)
            for (const auto& [profile, c] : profiles)
                out.push_back({{"domain", domain}, {"month", month}, {"profile", profile}, {"issued", c[0]},
                               {"valid", c[1]}, {"revoked", c[2]}});
    if (ctx.req.wants_json()) return http::Response::json(200, json{{"statistics", out}}.dump());
    http::Lang lang = ctx.req.lang();
    std::string body = "<table border=\"1\"><tr><th>" + http::escape(http::pick(lang, {"ドメイン", "Domain"})) +
                       "</th><th>" + http::escape(http::pick(lang, {"年月", "Month"})) + "</th><th>" +
                       http::escape(http::pick(lang, {"プロファイル", "Profile"})) + "</th><th>" +
                       http::escape(http::pick(lang, {"発行", "Issued"})) + "</th><th>" +
                       http::escape(http::pick(lang, {"有効", "Valid"})) + "</th><th>" +
                       http::escape(http::pick(lang, {"失効", "Revoked"})) + "</th></tr>";
    for (const auto& row : out) {
        body += "<tr><td>" + http::escape(row["domain"].get<std::string>()) + "</td><td>" +
                http::escape(row["month"].get<std::string>()) + "</td><td>" + http::escape(row["profile"].get<std::string>()) +
                "</td><td>" + std::to_string(row["issued"].get<int>()) + "</td><td>" + std::to_string(row["valid"].get<int>()) +
                "</td><td>" + std::to_string(row["revoked"].get<int>()) + "</td></tr>";
    }
    return http::page(ctx.req, 200, {"統計情報", "Statistics"}, body + "</table>");
}

http::Response allowlist_download(Context& ctx) {
    require_action(ctx, authz::Action::allowlist);
    auto r = ctx.c.query("SELECT d.name, a.ou FROM ou_allowlist a JOIN domains d ON d.id = a.domain_id "
                         "WHERE d.institution_id = $1 ORDER BY d.name, a.ou",
                         ctx.who.institution_id);
    std::string out = tsv::join_row({"ドメイン", "OU"});
    for (int i = 0; i < r.rows(); ++i) {
        if (authz::permits(ctx.grants(), r.text(i, 0), authz::Kind::server, authz::Action::allowlist) ||
            authz::permits(ctx.grants(), r.text(i, 0), authz::Kind::client, authz::Action::allowlist)) {
            out += tsv::join_row({r.text(i, 0), r.text(i, 1)});
        }
    }
    return tsv_file("allowlist.tsv", out);
}

}  // namespace inkan::officer

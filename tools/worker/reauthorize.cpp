#include "worker/reauthorize.hpp"

#include "crypto/x509.hpp"
#include "officer/auth.hpp"
#include "officer/scope.hpp"
#include "policy/names.hpp"
#include "settings/settings.hpp"
#include "tsv/dn.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
Error refused(const std::string& ja, const std::string& en) {
    return Error("429", {"署名前の再確認で拒否しました: " + ja, "Refused on re-authorization before signing: " + en});
}

void require_acting_officer(store::Connection& c, int64_t institution_id, int64_t officer_id) {
    auto r = c.query("SELECT 1 FROM officers o JOIN institutions i ON i.id = o.institution_id "
                     "WHERE o.id = $1 AND o.institution_id = $2 AND o.status = 'active' AND i.status = 'active'",
                     officer_id, institution_id);
    if (r.empty()) {
        throw refused("申請者は有効な機関の有効な登録担当者ではありません。",
                      "the applicant is not an active officer of an active institution.");
    }
}

// Every name lies within a domain registered to the institution and within
// the officer's grants for the action.
void require_names(store::Connection& c, int64_t institution_id, int64_t officer_id, const std::vector<std::string>& names,
                   const std::string& action) {
    if (names.empty()) throw refused("名前がありません。", "the application names no host.");
    auto rows = c.query("SELECT name FROM domains WHERE institution_id = $1", institution_id);
    auto grants = officer::grants_of(c, officer_id);
    for (const auto& name : names) {
        bool registered = false;
        for (int i = 0; i < rows.rows() && !registered; ++i) registered = policy::within(name, rows.text(i, 0));
        if (!registered) throw refused(name + " は機関の登録ドメインにありません。", name + " is not in the institution's registered domains.");
        if (!officer::permits(grants, name, "server", action)) {
            throw refused(name + " について登録担当者に " + action + " の権限がありません。",
                          "the officer is not granted " + action + " for " + name + ".");
        }
    }
}
}  // namespace

void reauthorize_server_issue(store::Connection& c, const ServerRequest& a) {
    require_acting_officer(c, a.institution_id, a.officer_id);
    if (a.operation != "issue" && a.operation != "renew") throw refused("操作が不正です。", "unknown operation " + a.operation + ".");
    if (a.profile != "3" && a.profile != "11") {
        throw refused("プロファイル " + a.profile + " はサーバ証明書のものではありません。",
                      "profile " + a.profile + " is not a server certificate profile.");
    }
    auto dn = tsv::parse_dn(a.subject_dn);
    if (!dn || a.dns_names.empty() || tsv::dn_value(*dn, "CN") != a.dns_names.front()) {
        throw refused("主体者DNの CN が最初の名前と一致しません。", "the subject CN is not the first name.");
    }
    require_names(c, a.institution_id, a.officer_id, a.dns_names, a.operation);
    if (a.old_certificate_id &&
        c.query("SELECT 1 FROM certificates WHERE id = $1 AND institution_id = $2 AND kind = 'server'",
                *a.old_certificate_id, a.institution_id).empty()) {
        throw refused("更新前の証明書が機関のものではありません。", "the renewed certificate is not the institution's.");
    }
}

void reauthorize_server_revocation(store::Connection& c, int64_t institution_id, int64_t officer_id,
                                   int64_t certificate_id) {
    require_acting_officer(c, institution_id, officer_id);
    auto r = c.query("SELECT der FROM certificates WHERE id = $1 AND institution_id = $2 AND kind = 'server'",
                     certificate_id, institution_id);
    if (r.empty()) throw refused("失効対象が機関のサーバ証明書ではありません。", "the certificate is not a server certificate of the institution.");
    auto cert = crypto::cert_from_der(r.bytes(0, 0));
    require_names(c, institution_id, officer_id, crypto::dns_names(cert.get()), "revoke");
}

void reauthorize_officer(store::Connection& c, int64_t institution_id, int64_t officer_id, const std::string& operation) {
    require_acting_officer(c, institution_id, officer_id);
    if (operation == "issue") {
        // The RA claims the pickup (state 'issuing') only after the right PIN.
        if (c.query("SELECT 1 FROM officer_pickups WHERE officer_id = $1 AND state = 'issuing'", officer_id).empty()) {
            throw refused("PIN で受け付けた取得がありません。", "no pickup of this officer was claimed with its PIN.");
        }
        return;
    }
    if (operation == "renew") {
        auto r = c.query("SELECT 1 FROM certificates WHERE officer_id = $1 AND kind = 'officer' AND revoked_at IS NULL "
                         "AND now() BETWEEN not_before AND not_after "
                         "AND not_after - make_interval(days => $2::int) <= now()",
                         officer_id, settings::get(c, "officer_renew_window_days"));
        if (r.empty()) {
            throw refused("更新期間内の有効な登録担当者証明書がありません。",
                          "the officer has no valid certificate inside its renewal window.");
        }
        return;
    }
    throw refused("操作が不正です。", "unknown operation " + operation + ".");
}

}  // namespace inkan::worker

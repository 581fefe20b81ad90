#include "worker/reauthorize.hpp"

#include "authz/grants.hpp"
#include "crypto/x509.hpp"
#include "policy/names.hpp"
#include "settings/settings.hpp"
#include "store/grants.hpp"
#include "store/reauthorization.hpp"
#include "tsv/dn.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
Error refused(const std::string& ja, const std::string& en) {
    return Error("429", {"署名前の再確認で拒否しました: " + ja, "Refused on re-authorization before signing: " + en});
}

void require_acting_officer(store::Connection& c, int64_t institution_id, int64_t officer_id) {
    if (!store::acting_officer(c, institution_id, officer_id)) {
        throw refused("申請者は有効な機関の有効な登録担当者ではありません。",
                      "the applicant is not an active officer of an active institution.");
    }
}

// Every name lies within a domain registered to the institution and within
// the officer's grants for the action.
void require_names(store::Connection& c, int64_t institution_id, int64_t officer_id, const std::vector<std::string>& names,
                   authz::Kind kind, authz::Action action) {
    if (names.empty()) throw refused("名前がありません。", "the application names no host.");
    auto domains = store::registered_domains(c, institution_id);
    auto grants = store::grants_of(c, officer_id);
    const std::string verb(authz::to_string(action));
    for (const auto& name : names) {
        bool registered = false;
        for (const auto& domain : domains) registered = registered || policy::within(name, domain);
        if (!registered) throw refused(name + " は機関の登録ドメインにありません。", name + " is not in the institution's registered domains.");
        if (!authz::permits(grants, name, kind, action)) {
            throw refused(name + " について登録担当者に " + verb + " の権限がありません。",
                          "the officer is not granted " + verb + " for " + name + ".");
        }
    }
}

void reauthorize_server(store::Connection& c, const store::QueuedIssuance& a, authz::Action action) {
    auto dn = tsv::parse_dn(a.subject_dn);
    if (!dn || a.dns_names.empty() || tsv::dn_value(*dn, "CN") != a.dns_names.front()) {
        throw refused("主体者DNの CN が最初の名前と一致しません。", "the subject CN is not the first name.");
    }
    require_names(c, a.institution_id, a.officer_id, a.dns_names, authz::Kind::server, action);
    if (a.old_certificate_id && !store::certificate_der(c, *a.old_certificate_id, a.institution_id, "server")) {
        throw refused("更新前の証明書が機関のものではありません。", "the renewed certificate is not the institution's.");
    }
}

void reauthorize_officer(store::Connection& c, const store::QueuedIssuance& a, authz::Action action) {
    if (action == authz::Action::issue && (!a.pickup_id || !store::claimed_pickup(c, a.officer_id, *a.pickup_id))) {
        throw refused("PIN で受け付けた、未発行の取得がありません。",
                      "no pickup of this officer was claimed with its PIN (or it has its certificate already).");
    }
    if (action == authz::Action::renew &&
        !store::renewable_officer_certificate(c, a.officer_id, settings::get_int(c, "officer_renew_window_days"))) {
        throw refused("更新期間内の有効な登録担当者証明書がありません。",
                      "the officer has no valid certificate inside its renewal window.");
    }
}
}  // namespace

void reauthorize_issue(store::Connection& c, const store::QueuedIssuance& a, const profile::Profile* p) {
    require_acting_officer(c, a.institution_id, a.officer_id);
    auto action = authz::parse_action(a.operation);
    if (action != authz::Action::issue && action != authz::Action::renew) {
        throw refused("操作が不正です。", "unknown operation " + a.operation + ".");
    }
    if (!a.kind || !p || p->kind != *a.kind || !p->issuable) {
        throw refused("プロファイル " + a.profile + " はこの種別の発行可能なプロファイルではありません。",
                      "profile " + a.profile + " is not an issuable profile of this kind.");
    }
    switch (*a.kind) {
        case authz::Kind::server: return reauthorize_server(c, a, *action);
        case authz::Kind::officer: return reauthorize_officer(c, a, *action);
        default: throw refused("この種別の証明書はまだ発行できません。", "this kind of certificate is not issued yet.");
    }
}

void reauthorize_revocation(store::Connection& c, const store::QueuedRevocation& r) {
    require_acting_officer(c, r.institution_id, r.officer_id);
    auto der = store::certificate_der(c, r.certificate_id, r.institution_id, "server");
    if (!der) throw refused("失効対象が機関のサーバ証明書ではありません。", "the certificate is not a server certificate of the institution.");
    auto cert = crypto::cert_from_der(*der);
    require_names(c, r.institution_id, r.officer_id, crypto::dns_names(cert.get()), authz::Kind::server, authz::Action::revoke);
}

}  // namespace inkan::worker

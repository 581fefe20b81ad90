#include "worker/reauthorize.hpp"

#include <algorithm>

#include "authz/grants.hpp"
#include "crypto/x509.hpp"
#include "policy/names.hpp"
#include "policy/person.hpp"
#include "store/uploads.hpp"
#include "settings/settings.hpp"
#include "store/acme_validation.hpp"
#include "store/grants.hpp"
#include "store/reauthorization.hpp"
#include "tsv/dn.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace inkan::worker {

namespace {
Error refused(const std::string& ja, const std::string& en) {
    return Error("429", {"署名前の再確認で拒否しました: " + ja, "Refused on re-authorization before signing: " + en});
}

void require_acting_officer(Round& round, int64_t institution_id, int64_t officer_id) {
    if (!round.acting_officer(institution_id, officer_id)) {
        throw refused("申請者は有効な機関の有効な登録担当者ではありません。",
                      "the applicant is not an active officer of an active institution.");
    }
}

// Every name lies within a domain registered to the institution and within
// the officer's grants for the action.
void require_names(Round& round, int64_t institution_id, int64_t officer_id, const std::vector<std::string>& names,
                   authz::Kind kind, authz::Action action) {
    if (names.empty()) throw refused("名前がありません。", "the application names no host.");
    const auto& domains = round.registered_domains(institution_id);
    const auto& grants = round.grants_of(officer_id);
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

void reauthorize_server(store::Connection& c, Round& round, const store::QueuedIssuance& a, authz::Action action) {
    auto dn = tsv::parse_dn(a.subject_dn);
    if (!dn || a.dns_names.empty() || tsv::dn_value(*dn, "CN") != a.dns_names.front()) {
        throw refused("主体者DNの CN が最初の名前と一致しません。", "the subject CN is not the first name.");
    }
    require_names(round, a.institution_id, a.officer_id, a.dns_names, authz::Kind::server, action);
    if (a.old_certificate_id && !store::certificate_der(c, *a.old_certificate_id, a.institution_id, "server")) {
        throw refused("更新前の証明書が機関のものではありません。", "the renewed certificate is not the institution's.");
    }
}

// An ACME order: the registration is active and the application matches it
// (subject, profile, officer), every name is registered (CN first), and the
// registering officer is still granted ACME issuance for each name.
void reauthorize_acme(store::Connection& c, Round& round, const store::QueuedIssuance& a) {
    auto reg = a.acme_registration_id ? store::acme_registration(c, *a.acme_registration_id) : std::nullopt;
    if (!reg || reg->status != "active") {
        throw refused("ACME 利用情報がないか停止されています。", "the ACME registration is missing or suspended.");
    }
    if (reg->institution_id != a.institution_id || reg->officer_id != a.officer_id || reg->subject_dn != a.subject_dn ||
        a.profile != "acme-" + reg->server_profile) {
        throw refused("申請が ACME 利用情報と一致しません。", "the application does not match its ACME registration.");
    }
    if (a.dns_names.empty() || a.dns_names.front() != reg->names.front()) {
        throw refused("最初の名前が登録された CN ではありません。", "the first name is not the registered CN.");
    }
    for (const auto& name : a.dns_names) {
        if (std::find(reg->names.begin(), reg->names.end(), name) == reg->names.end()) {
            throw refused(name + " は ACME 利用情報に登録されていません。", name + " is not registered for this ACME account.");
        }
    }
    if (a.old_certificate_id && !store::acme_certificate_of(c, *a.old_certificate_id, *a.acme_registration_id)) {
        throw refused("置き換える証明書がこの ACME 利用情報のものではありません。",
                      "the replaced certificate was not issued under this ACME registration.");
    }
    // Challenges the institution demands: every name validated by this process's peer, the mailer.
    auto demanded = store::acme::demanded_challenges(c, a.institution_id);
    if (!demanded.empty()) {
        auto missing = a.acme_order_id ? store::acme::unvalidated_names(c, *a.acme_order_id, a.dns_names, demanded)
                                       : std::vector<std::string>{"(no order)"};
        if (!missing.empty()) {
            throw refused(missing.front() + " の検証 (" + demanded.front() + " など) が済んでいません。",
                          missing.front() + " was not validated by a demanded challenge.");
        }
    }
    require_names(round, a.institution_id, a.officer_id, a.dns_names, authz::Kind::acme, authz::Action::issue);
}

// A person's subject: CN, OU…, O, L, ST, C with the institution's O/L/ST
// and C=JP, a person's CN; OUs from the allow list of the mail's domain, and
// none for S/MIME (the upload's rules, re-read with the signer's role).
void require_person_subject(store::Connection& c, const store::QueuedIssuance& a, authz::Kind kind,
                            const std::string& mail_domain) {
    auto dn = tsv::parse_dn(a.subject_dn);
    bool ok = dn && policy::person_dn_shape(*dn) && tsv::dn_value(*dn, "C") == "JP" &&
              tsv::dn_value(*dn, "O") == a.institution_o && tsv::dn_value(*dn, "L") == a.institution_l &&
              tsv::dn_value(*dn, "ST") == a.institution_st && !policy::check_person_cn(tsv::dn_value(*dn, "CN"));
    for (size_t i = 0; ok && i < dn->size(); ++i) {
        const auto& [type, value] = (*dn)[i];
        if (type != "OU") continue;
        auto domains = store::domains_allowing_ou(c, a.institution_id, value);
        ok = kind != authz::Kind::smime &&
             std::any_of(domains.begin(), domains.end(), [&](const std::string& d) { return policy::within(mail_domain, d); });
    }
    if (!ok) throw refused("主体者DN が規則に合いません。", "the subject DN breaks the rules for a person's certificate.");
}

// A person's certificate: a well-formed end-user mail in a registered domain
// of the institution and inside the officer's grants for the kind; a renewed
// certificate is the institution's, of the same kind, inside the grants too.
void reauthorize_person(store::Connection& c, Round& round, const store::QueuedIssuance& a, authz::Kind kind,
                        authz::Action action) {
    if (policy::check_mail(a.end_user_email)) {
        throw refused("利用者E-mail が不正です。", "the end user's mail is not a mail address.");
    }
    std::string domain = text::lower(a.end_user_email.substr(a.end_user_email.rfind('@') + 1));
    require_person_subject(c, a, kind, domain);
    require_names(round, a.institution_id, a.officer_id, {domain}, kind, action);
    if (!a.old_certificate_id) return;
    auto old = store::certificate_der(c, *a.old_certificate_id, a.institution_id, std::string(authz::to_string(kind)));
    if (!old) {
        throw refused("更新前の証明書が機関の同じ種別の証明書ではありません。", "the renewed certificate is not the institution's of this kind.");
    }
    auto old_cert = crypto::cert_from_der(*old);
    require_names(round, a.institution_id, a.officer_id, crypto::email_domains(old_cert.get()), kind, action);
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

void reauthorize_issue(store::Connection& c, Round& round, const store::QueuedIssuance& a, const profile::Profile* p) {
    require_acting_officer(round, a.institution_id, a.officer_id);
    auto action = authz::parse_action(a.operation);
    if (action != authz::Action::issue && action != authz::Action::renew) {
        throw refused("操作が不正です。", "unknown operation " + a.operation + ".");
    }
    if (!a.kind || !p || p->kind != *a.kind || !p->issuable) {
        throw refused("プロファイル " + a.profile + " はこの種別の発行可能なプロファイルではありません。",
                      "profile " + a.profile + " is not an issuable profile of this kind.");
    }
    switch (*a.kind) {
        case authz::Kind::server: return reauthorize_server(c, round, a, *action);
        case authz::Kind::officer: return reauthorize_officer(c, a, *action);
        case authz::Kind::acme: return reauthorize_acme(c, round, a);
        case authz::Kind::client:
        case authz::Kind::smime: return reauthorize_person(c, round, a, *a.kind, *action);
        default: throw refused("この種別の証明書はまだ発行できません。", "this kind of certificate is not issued yet.");
    }
}

// An officer revokes a server or ACME certificate of the institution within
// their grants for its kind.  An ACME client revokes a certificate issued
// under its registration (the RA checked the account or the certificate's
// key); that needs no acting officer: a subscriber whose key is compromised
// must be able to revoke after the officer has left.
void reauthorize_revocation(store::Connection& c, Round& round, const store::QueuedRevocation& r) {
    if (r.kind == "acme") {
        if (!r.acme_registration_id || !store::acme_certificate_of(c, r.certificate_id, *r.acme_registration_id)) {
            throw refused("失効対象がこの ACME 利用情報の証明書ではありません。",
                          "the certificate was not issued under this ACME registration.");
        }
        return;
    }
    require_acting_officer(round, r.institution_id, r.officer_id);
    for (authz::Kind kind : {authz::Kind::server, authz::Kind::acme, authz::Kind::client, authz::Kind::smime}) {
        auto der = store::certificate_der(c, r.certificate_id, r.institution_id, std::string(authz::to_string(kind)));
        if (!der) continue;
        auto cert = crypto::cert_from_der(*der);
        // What a certificate names: hosts, or for a person the domains of the mail addresses.
        bool person = kind == authz::Kind::client || kind == authz::Kind::smime;
        auto names = person ? crypto::email_domains(cert.get()) : crypto::dns_names(cert.get());
        require_names(round, r.institution_id, r.officer_id, names, kind, authz::Action::revoke);
        return;
    }
    throw refused("失効対象が機関の証明書ではありません。", "the certificate is not one of the institution's that officers revoke.");
}

}  // namespace inkan::worker

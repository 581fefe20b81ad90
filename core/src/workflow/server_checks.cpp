#include "workflow/server_checks.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "crypto/x509.hpp"
#include "authz/grants.hpp"
#include "policy/csr.hpp"
#include "policy/names.hpp"
#include "policy/serial.hpp"
#include "tsv/dn.hpp"
#include "tsv/encoding.hpp"
#include "util/text.hpp"
#include "workflow/line_rules.hpp"

namespace inkan::workflow {

namespace {

enum Col : size_t {
    kDn = 0, kProfile, kReserved, kOldSerial, kReason, kComment, kCsr,
    kSubName, kSubAffiliation, kSubMail, kFqdn, kSoftware, kSans
};

const std::array<ColumnSpec, kServerColumns>& columns(authz::Kind kind) {
    static const std::array<ColumnSpec, kServerColumns> c = {{
        {{"主体者DN", "Subject DN"}, 250},
        {{"証明書プロファイルID", "Profile ID"}, 2},
        {{"予備", "Reserved"}, 0},
        {{"失効対象証明書シリアル番号", "Serial of the certificate to revoke"}, 50},
        {{"失効理由", "Revocation reason"}, 1},
        {{"失効理由コメント", "Revocation comment"}, 128},
        {{"CSR", "CSR"}, 2048},
        {{"利用管理者氏名", "Subscriber name"}, 64},
        {{"利用管理者所属", "Subscriber affiliation"}, 64},
        {{"利用管理者E-mail", "Subscriber e-mail"}, 78},
        {{"利用管理者FQDN", "Subscriber FQDN"}, 64},
        {{"サーバソフトウェア名", "Server software"}, 128},
        {{"dNSName", "dNSName"}, 250},
    }};
    // The ACME file names its third column (UPKI-FORMATS §4).
    static const std::array<ColumnSpec, kServerColumns> acme = [] {
        auto a = c;
        a[kReserved] = {{"ACMEアカウントID", "ACME account ID"}, 128};
        return a;
    }();
    return kind == authz::Kind::acme ? acme : c;
}

bool acme_file(const Policy& policy) { return policy.kind == authz::Kind::acme; }

// Columns each operation must fill (UPKI-FORMATS §2, §4): ACME files take
// no CSR and name the registration in column 3 to update or suspend it.
bool required(size_t col, ApplyType type, bool acme) {
    switch (type) {
        case ApplyType::suspend:
            return col == kDn || col == kReserved || col == kReason;
        case ApplyType::revoke:
            return col == kDn || col == kOldSerial || col == kReason;
        case ApplyType::renew:
            if (col == (acme ? kReserved : kOldSerial)) return true;
            [[fallthrough]];
        case ApplyType::issue:
            return col == kDn || col == kProfile || (col == kCsr && !acme) || col == kSubName ||
                   col == kSubAffiliation || col == kSubMail || col == kFqdn || col == kSoftware;
    }
    return false;
}

// dNSName=a,dNSName=b -> {a, b}; nullopt when malformed.
std::optional<std::vector<std::string>> parse_sans(const std::string& text) {
    std::vector<std::string> out;
    if (text.empty()) return out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (part.rfind("dNSName=", 0) != 0 || part.size() == 8) return std::nullopt;
        out.push_back(part.substr(8));
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

void check_fields(const std::vector<std::string>& f, ApplyType type, const Policy& policy, Collector& err) {
    const bool acme = acme_file(policy);
    const auto& spec = columns(policy.kind);
    if (type == ApplyType::suspend && !acme) {
        err.add("530", kDn, {"applyType 4 (停止) は ACME のファイルだけです。", "applyType 4 (suspend) is for ACME files only."});
        return;
    }
    if (acme && !f[kCsr].empty()) {
        err.add("442", kCsr, {"ACME 利用情報に CSR は指定しません。", "ACME registrations take no CSR."});
    }
    if (acme && type == ApplyType::issue && !f[kReserved].empty()) {
        err.add("442", kReserved, {"作成では ACMEアカウントID を空にしてください。", "Leave the ACME account ID empty when creating."});
    }
    check_basics(f, spec, [&](size_t col) { return required(col, type, acme); }, kComment, err);
    if (!f[kProfile].empty() && !digits(f[kProfile]))
        err.add("204", kProfile, {"半角数字で入力してください。", "Use digits only."});
    if (!f[kReason].empty() && !digits(f[kReason]))
        err.add("204", kReason, {"半角数字で入力してください。", "Use digits only."});
    if (!f[kOldSerial].empty() && !policy::normalize_serial(f[kOldSerial]))
        err.add("204", kOldSerial, {"10進数または 0x で始まる16進数で入力してください。", "Use a decimal number or 0x-prefixed hex."});
    if (!comment_ok(f[kComment]))
        err.add("205", kComment, {"使用できない文字が含まれています。", "The comment contains a character that is not allowed (control characters, <>\"\\)."});
    if (!f[kDn].empty() && !tsv::parse_dn(f[kDn]))
        err.add("206", kDn, {"DNの形式に従っていません。", "This does not follow the DN format (CN=...,O=...,L=...,ST=...,C=JP)."});
    if (!f[kSubMail].empty()) {
        if (auto v = policy::check_mail(f[kSubMail])) err.add("206", kSubMail, {"メールアドレスの形式ではありません。", "This is not a mail address."});
    }
    if (!f[kSans].empty() && !parse_sans(f[kSans]))
        err.add("206", kSans, {"dNSName=名前 をカンマ区切りで指定してください。", "Write dNSName=name entries separated by commas."});
    if (type != ApplyType::revoke && type != ApplyType::suspend && digits(f[kProfile])) {
        const profile::Profile* p = policy.profiles.find(f[kProfile]);
        if (!p || p->kind != authz::Kind::server || !p->issuable) {
            std::string ids = policy.profiles.issuable_ids(authz::Kind::server);
            err.add("416", kProfile, {"証明書プロファイルID は " + ids + " のいずれかです。", "The profile ID must be one of " + ids + "."});
        }
    }
}

// C -> ST -> L -> O -> CN, or exactly the reverse (UPKI-FORMATS §6).
bool same_subject(const std::vector<tsv::Rdn>& column, const std::vector<tsv::Rdn>& csr) {
    if (column.size() != csr.size()) return false;
    bool forward = std::equal(column.begin(), column.end(), csr.begin());
    bool reverse = std::equal(column.begin(), column.end(), csr.rbegin());
    return forward || reverse;
}

void check_names(const ServerApplication& app, const std::vector<tsv::Rdn>& dn, const InstitutionFacts& inst,
                 const std::vector<authz::Grant>& grants, const Policy& policy, Registry& registry, Collector& err) {
    const authz::Action action = app.type == ApplyType::renew ? authz::Action::renew : authz::Action::issue;
    const bool acme = acme_file(policy);
    std::vector<std::string> types;
    for (const auto& [t, v] : dn) types.push_back(t);
    bool has_ou = std::find(types.begin(), types.end(), "OU") != types.end();
    std::vector<std::string> expected = {"CN", "O", "L", "ST", "C"};
    std::vector<std::string> without_ou;
    std::copy_if(types.begin(), types.end(), std::back_inserter(without_ou), [](const std::string& t) { return t != "OU"; });
    if (std::find(types.begin(), types.end(), "emailAddress") != types.end() ||
        std::find(types.begin(), types.end(), "E") != types.end() ||
        std::find(types.begin(), types.end(), "EMAIL") != types.end()) {
        err.add("411", kDn, {"Email 属性は指定できません。", "The Email attribute is not allowed."});
    } else if (without_ou != expected) {
        err.add("206", kDn, {"DN は CN,O,L,ST,C の順に指定してください。", "The DN must be CN,O,L,ST,C in this order."});
        return;
    }
    if (tsv::dn_value(dn, "C") != "JP")
        err.add("409", kDn, {"C は JP です。", "C must be JP."});
    if (tsv::dn_value(dn, "O") != inst.o || tsv::dn_value(dn, "ST") != inst.st || tsv::dn_value(dn, "L") != inst.l) {
        err.add("409", kDn, {"O, L, ST が機関の登録内容 (" + inst.o + ", " + inst.l + ", " + inst.st + ") と一致しません。",
                             "O, L and ST must match the institution's registration (" + inst.o + ", " + inst.l + ", " + inst.st + ")."});
    }
    const std::string& cn = app.fqdn;
    if (has_ou) {
        if (!policy.ou_by_allowlist || acme) {
            err.add("410", kDn, {"サーバ証明書に OU は指定できません。", "Server certificates cannot have an OU."});
        } else {
            for (const auto& [t, v] : dn) {
                if (t == "OU" && !registry.ou_allowed(cn, v)) {
                    err.add("371:1", kDn, {"OU が許可リストにありません: " + v, "The OU is not in the domain's allow list: " + v});
                }
            }
        }
    }
    std::string dn_cn = tsv::dn_value(dn, "CN");
    if (auto v = policy::check_hostname(dn_cn, policy.allow_wildcard)) {
        err.add("412", kDn, {"CN: " + v->ja, "CN: " + v->en});
    } else if (dn_cn.size() > 64) {
        err.add("412", kDn, {"CN は64文字以内です。", "The CN is at most 64 characters."});
    }
    if (dn_cn != cn) err.add("413", kFqdn, {"利用管理者FQDN が CN と一致しません。", "The subscriber FQDN must equal the CN."});
    if (app.dns_names.size() > 9) {  // CN plus at most 8 extra names
        err.add("415", kSans, {"dNSName は8個までです。", "At most 8 dNSNames."});
    }
    for (size_t i = 1; i < app.dns_names.size(); ++i) {
        if (auto v = policy::check_hostname(app.dns_names[i], policy.allow_wildcard)) {
            err.add("415", kSans, {app.dns_names[i] + ": " + v->ja, app.dns_names[i] + ": " + v->en});
        }
    }
    for (const auto& name : app.dns_names) {
        if (!authz::permits(grants, name, policy.kind, action)) {
            err.add("414", name == cn ? kDn : kSans,
                    {name + " はあなたの担当範囲外です。", name + " is outside the domains you are granted."});
        }
    }
}

void check_csr(ServerApplication& app, const std::vector<tsv::Rdn>& dn, const std::string& text, const profile::Profile& profile,
               Collector& err) {
    auto parsed = policy::parse_csr(text);
    if (auto* p = std::get_if<policy::CsrProblem>(&parsed)) {
        err.add(p->code.c_str(), kCsr, p->message);
        return;
    }
    auto& csr = std::get<policy::Csr>(parsed);
    if (auto p = policy::check_key(X509_REQ_get0_pubkey(csr.req.get()), profile)) {
        err.add(p->code.c_str(), kCsr, p->message);
    }
    if (!csr.requested_emails.empty()) {
        err.add("411", kCsr, {"CSR に rfc822Name (メールアドレス) は指定できません。", "The CSR must not request an rfc822Name (mail address)."});
    }
    if (!same_subject(dn, csr.subject)) {
        err.add("408", kDn, {"主体者DN が CSR のサブジェクト (" + tsv::format_dn(csr.subject) + ") と一致しません。",
                             "The subject DN differs from the CSR's subject (" + tsv::format_dn(csr.subject) + ")."});
    }
    app.csr_der = csr.der;
}

void check_renewal(ServerApplication& app, const std::string& serial, Registry& registry, Collector& err) {
    auto old = registry.certificate(serial);
    if (old && old->kind != "server") old.reset();  // ACME certificates renew through ACME
    if (!old) {
        err.add("417", kOldSerial, {"更新対象の証明書が見つかりません。", "The certificate to renew was not found in your institution."});
        return;
    }
    if (old->revoked) err.add("426", kOldSerial, {"更新対象の証明書は失効しています。", "The certificate to renew is revoked."});
    if (old->renewed) {
        err.add("417", kOldSerial, {"この証明書はすでに更新済みか、更新申請中です。",
                                    "This certificate was already renewed, or its renewal is pending."});
    }
    if (old->subject_dn != app.subject_dn) {
        err.add("417", kDn, {"更新対象の証明書の DN (" + old->subject_dn + ") と一致しません。",
                             "The DN differs from the renewed certificate's DN (" + old->subject_dn + ")."});
    }
    if (!app.csr_der.empty()) {
        auto p = reinterpret_cast<const unsigned char*>(app.csr_der.data());
        crypto::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(app.csr_der.size())));
        if (req && crypto::public_key_der(X509_REQ_get0_pubkey(req.get())) == old->public_key) {
            err.add("418", kCsr, {"更新には新しい鍵ペアが必要です (旧証明書と同じ公開鍵です)。",
                                  "Renewal needs a new key pair (this is the old certificate's public key)."});
        }
    }
    app.old_certificate_id = old->id;
}

void check_reason(ServerApplication& app, const std::vector<std::string>& f, Collector& err) {
    app.reason = workflow::check_reason(f[kReason], f[kComment], kReason, kComment, err);
    app.comment = f[kComment];
}

void check_revocation(ServerApplication& app, const std::vector<std::string>& f, const std::vector<authz::Grant>& grants,
                      authz::Kind kind, Registry& registry, Collector& err) {
    check_reason(app, f, err);
    auto old = registry.certificate(*policy::normalize_serial(f[kOldSerial]));
    if (old && old->kind != authz::to_string(kind)) old.reset();  // a server file revokes server certificates
    bool granted = old && std::all_of(old->names.begin(), old->names.end(), [&](const std::string& n) {
                       return authz::permits(grants, n, kind, authz::Action::revoke);
                   });
    if (!old || !granted) {
        err.add("419", kOldSerial, {"失効対象の証明書が見つからないか、担当範囲外です。",
                                    "The certificate to revoke was not found among those you are granted."});
        return;
    }
    if (old->revoked) err.add("426", kOldSerial, {"この証明書はすでに失効しています。", "This certificate is already revoked."});
    if (old->subject_dn != app.subject_dn) {
        err.add("419", kDn, {"失効対象の証明書の DN (" + old->subject_dn + ") と一致しません。",
                             "The DN differs from the certificate's DN (" + old->subject_dn + ")."});
    }
    app.old_certificate_id = old->id;
}

// ACME update and suspend name a registration of the institution within the
// officer's grants; suspend must also repeat its DN.
void check_registration(ServerApplication& app, const std::vector<std::string>& f, const std::vector<authz::Grant>& grants,
                        Registry& registry, Collector& err) {
    auto reg = registry.acme_registration(f[kReserved]);
    bool granted = reg && std::all_of(reg->names.begin(), reg->names.end(), [&](const std::string& n) {
                       return authz::permits(grants, n, authz::Kind::acme,
                                             app.type == ApplyType::renew ? authz::Action::renew : authz::Action::revoke);
                   });
    if (!reg || !granted) {
        err.add("440", kReserved, {"ACMEアカウントID が見つからないか、担当範囲外です。",
                                   "The ACME account ID was not found among the registrations you are granted."});
        return;
    }
    if (reg->status != "active") {
        err.add("441", kReserved, {"この ACME 利用は停止されています。", "This ACME registration is suspended."});
    }
    if (app.type == ApplyType::suspend && reg->subject_dn != app.subject_dn) {
        err.add("440", kDn, {"ACME 利用情報の DN (" + reg->subject_dn + ") と一致しません。",
                             "The DN differs from the registration's DN (" + reg->subject_dn + ")."});
    }
    app.account_ref = f[kReserved];
    app.registration_id = reg->id;
}

}  // namespace

LineResult check_server_row(const tsv::Row& row, ApplyType type, const InstitutionFacts& inst,
                            const std::vector<authz::Grant>& grants, const Policy& policy, Registry& registry) {
    LineResult result;
    result.row = row.number;
    Collector err(result, columns(policy.kind));
    const auto& f = row.fields;
    if (!open_line(f, kServerColumns, {kDn, kSubName, kSubAffiliation, kSubMail}, inst.active, result, err)) return result;
    result.fqdn = f[kFqdn];
    check_fields(f, type, policy, err);
    if (err.any()) return result;

    ServerApplication app;
    app.row = row.number;
    app.type = type;
    app.subject_dn = f[kDn];
    app.profile = f[kProfile];
    app.fqdn = f[kFqdn];
    app.software = f[kSoftware];
    app.subscriber_name = f[kSubName];
    app.subscriber_affiliation = f[kSubAffiliation];
    app.subscriber_email = f[kSubMail];
    auto dn = *tsv::parse_dn(f[kDn]);

    if (type == ApplyType::revoke) {
        check_revocation(app, f, grants, policy.kind, registry, err);
    } else if (type == ApplyType::suspend) {
        check_reason(app, f, err);
        check_registration(app, f, grants, registry, err);
    } else {
        // SANs come from column 13, with the CN first and no duplicates.
        std::string cn = tsv::dn_value(dn, "CN");
        app.dns_names.push_back(cn);
        std::set<std::string> seen{cn};
        std::vector<std::string> extra = parse_sans(f[kSans]).value_or(std::vector<std::string>{});
        for (const auto& name : extra) {
            if (!seen.insert(name).second) {
                if (name != cn) err.add("415", kSans, {"dNSName が重複しています: " + name, "Duplicate dNSName: " + name});
                continue;
            }
            app.dns_names.push_back(name);
        }
        check_names(app, dn, inst, grants, policy, registry, err);
        if (acme_file(policy)) {
            // No CSR, and an existing certificate with this DN does not block a registration.
            if (type == ApplyType::renew) check_registration(app, f, grants, registry, err);
        } else {
            // check_fields has refused a profile that is missing or not a server profile.
            check_csr(app, dn, f[kCsr], *policy.profiles.find(app.profile), err);
            if (type == ApplyType::renew) {
                check_renewal(app, *policy::normalize_serial(f[kOldSerial]), registry, err);
            } else if (!err.any() && registry.subject_in_use(app.subject_dn, authz::Kind::server)) {
                err.add("212", kDn, {"指定したDNはすでに存在しています。", "This DN already exists: use renewal."});
            }
        }
    }
    if (!err.any()) result.application = std::move(app);
    return result;
}

}  // namespace inkan::workflow

#include "workflow/client_checks.hpp"

#include <algorithm>
#include <array>

#include "policy/names.hpp"
#include "policy/person.hpp"
#include "policy/serial.hpp"
#include "tsv/dn.hpp"
#include "util/text.hpp"
#include "workflow/line_rules.hpp"

namespace inkan::workflow {

namespace {

enum Col : size_t {
    kDn = 0, kProfile, kMethod, kOldSerial, kReason, kComment, kReserved,
    kSubName, kSubAffiliation, kSubMail, kUserName, kFileName, kUserAffiliation, kUserMail, kPin
};

constexpr size_t kMinPin = 8, kMaxPin = 32;

const std::array<ColumnSpec, kClientColumns> kColumns = {{
    {{"主体者DN", "Subject DN"}, 250},
    {{"証明書プロファイルID", "Profile ID"}, 2},
    {{"ダウンロード方法", "Download method"}, 1},
    {{"失効対象証明書シリアル番号", "Serial of the certificate to revoke"}, 50},
    {{"失効理由", "Revocation reason"}, 1},
    {{"失効理由コメント", "Revocation comment"}, 128},
    {{"予備", "Reserved"}, 0},
    {{"利用管理者氏名", "Subscriber name"}, 64},
    {{"利用管理者所属", "Subscriber affiliation"}, 64},
    {{"利用管理者E-mail", "Subscriber e-mail"}, 78},
    {{"利用者氏名", "End-user name"}, 64},
    {{"P12ファイル名", "PKCS#12 file name"}, 64},
    {{"利用者所属", "End-user affiliation"}, 64},
    {{"利用者E-mail", "End-user e-mail"}, 78},
    {{"アクセスPIN", "Access PIN"}, kMaxPin},
}};

bool required(size_t col, ApplyType type) {
    switch (type) {
        case ApplyType::revoke:
            return col == kDn || col == kOldSerial || col == kReason;
        case ApplyType::renew:
            if (col == kOldSerial) return true;
            [[fallthrough]];
        case ApplyType::issue:
            return col == kDn || col == kProfile || col == kMethod || col == kSubName || col == kSubAffiliation ||
                   col == kSubMail || col == kUserName || col == kFileName || col == kUserMail;
        case ApplyType::suspend:
            return false;
    }
    return false;
}

// A file name the end user's system takes as it is: letters, digits, '.', '-', '_', not starting with '.'.
bool file_name_ok(const std::string& s) {
    return !s.empty() && s.front() != '.' && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    });
}

// Printable ASCII without space: what every PKCS#12 importer accepts as a password.
bool pin_ok(const std::string& s) {
    return s.size() >= kMinPin && s.size() <= kMaxPin &&
           std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

void check_fields(const std::vector<std::string>& f, ApplyType type, const profile::Catalog& profiles, Collector& err) {
    if (type == ApplyType::suspend) {
        err.add("530", kDn, {"applyType 4 (停止) は ACME のファイルだけです。", "applyType 4 (suspend) is for ACME files only."});
        return;
    }
    check_basics(f, kColumns, [&](size_t col) { return required(col, type); }, kComment, err);
    for (size_t col : {kProfile, kMethod, kReason}) {
        if (!f[col].empty() && !digits(f[col])) err.add("204", col, {"半角数字で入力してください。", "Use digits only."});
    }
    if (!f[kOldSerial].empty() && !policy::normalize_serial(f[kOldSerial]))
        err.add("204", kOldSerial, {"10進数または 0x で始まる16進数で入力してください。", "Use a decimal number or 0x-prefixed hex."});
    if (!comment_ok(f[kComment]))
        err.add("205", kComment, {"使用できない文字が含まれています。", "The comment contains a character that is not allowed (control characters, <>\"\\)."});
    if (!f[kDn].empty() && !tsv::parse_dn(f[kDn]))
        err.add("206", kDn, {"DNの形式に従っていません。", "This does not follow the DN format (CN=...,OU=...,O=...,L=...,ST=...,C=JP)."});
    for (size_t col : {kSubMail, kUserMail}) {
        if (!f[col].empty() && policy::check_mail(f[col])) err.add("206", col, {"メールアドレスの形式ではありません。", "This is not a mail address."});
    }
    if (type == ApplyType::revoke) return;
    if (digits(f[kMethod]) && f[kMethod] != "1" && f[kMethod] != "2") {
        if (f[kMethod] == "3") {
            err.add("450", kMethod, {"ブラウザでの鍵生成 (3) は廃止されました。1 (個別 PKCS#12) か 2 (一括 ZIP) を指定してください。",
                                     "Browser key generation (3) was abolished: use 1 (PKCS#12 per person) or 2 (bulk ZIP)."});
        } else {
            err.add("450", kMethod, {"ダウンロード方法は 1 (個別 PKCS#12) か 2 (一括 ZIP) です。",
                                     "The download method is 1 (PKCS#12 per person) or 2 (bulk ZIP)."});
        }
    }
    if (digits(f[kProfile])) {
        const profile::Profile* p = profiles.find(f[kProfile]);
        bool client_kind = p && (p->kind == authz::Kind::client || p->kind == authz::Kind::smime);
        if (client_kind && !p->issuable && !p->replaced_by.empty()) {
            err.add("451", kProfile,
                    {"プロファイル " + p->id + " (52か月) は CA/Browser Forum の上限 (825日) を超えるため廃止されました。" +
                         p->replaced_by + " を指定してください。",
                     "Profile " + p->id + " (52 months) was withdrawn: it exceeds the CA/Browser Forum cap of 825 days. Use " +
                         p->replaced_by + " instead."});
        } else if (!client_kind || !p->issuable) {
            std::string ids = profiles.issuable_ids(authz::Kind::client) + ", " + profiles.issuable_ids(authz::Kind::smime);
            err.add("416", kProfile, {"証明書プロファイルID は " + ids + " のいずれかです。", "The profile ID must be one of " + ids + "."});
        }
    }
    if (!f[kFileName].empty() && !file_name_ok(f[kFileName])) {
        err.add("453", kFileName, {"ファイル名には英数字と . - _ だけを使えます (先頭に . は使えません)。",
                                   "The file name may hold letters, digits, '.', '-' and '_' only, and not start with '.'."});
    }
    if (!f[kPin].empty() && !pin_ok(f[kPin])) {
        err.add("454", kPin, {"アクセスPIN は空白を含まない半角英数記号 " + std::to_string(kMinPin) + "〜" + std::to_string(kMaxPin) + " 文字です。",
                              "The access PIN is " + std::to_string(kMinPin) + " to " + std::to_string(kMaxPin) +
                                  " printable ASCII characters without spaces."});
    }
}

// CN, OU (any number), O, L, ST, C; C = JP and O/L/ST as registered; the CN
// and OU charsets for people and units; each OU in the allow list of the
// domain the end user's mail lies in (371:1).
void check_subject(const std::vector<tsv::Rdn>& dn, const std::string& mail, const InstitutionFacts& inst,
                   Registry& registry, Collector& err) {
    for (const auto& [t, v] : dn) {
        if (t == "emailAddress" || t == "E" || t == "EMAIL") {
            err.add("411", kDn, {"Email 属性は指定できません (利用者E-mail が証明書に入ります)。",
                                 "The Email attribute is not allowed (the end-user e-mail goes into the certificate)."});
            return;
        }
    }
    if (!policy::person_dn_shape(dn)) {
        err.add("206", kDn, {"DN は CN,OU,O,L,ST,C の順に指定してください (OU は省略可)。",
                             "The DN must be CN,OU,O,L,ST,C in this order (OU optional)."});
        return;
    }
    if (tsv::dn_value(dn, "C") != "JP") err.add("409", kDn, {"C は JP です。", "C must be JP."});
    if (tsv::dn_value(dn, "O") != inst.o || tsv::dn_value(dn, "ST") != inst.st || tsv::dn_value(dn, "L") != inst.l) {
        err.add("409", kDn, {"O, L, ST が機関の登録内容 (" + inst.o + ", " + inst.l + ", " + inst.st + ") と一致しません。",
                             "O, L and ST must match the institution's registration (" + inst.o + ", " + inst.l + ", " + inst.st + ")."});
    }
    if (auto v = policy::check_person_cn(tsv::dn_value(dn, "CN"))) err.add("206", kDn, {"CN: " + v->ja, "CN: " + v->en});
    std::string domain = mail_domain(mail);
    for (const auto& [t, v] : dn) {
        if (t != "OU") continue;
        if (auto problem = policy::check_dn_value(v)) {
            err.add("206", kDn, {"OU: " + problem->ja, "OU: " + problem->en});
        } else if (!domain.empty() && !registry.ou_allowed(domain, v)) {
            err.add("371:1", kDn, {"OU が許可リストにありません: " + v, "The OU is not in the domain's allow list: " + v});
        }
    }
}

// The end user's mail lies in a registered domain of the institution (452)
// and inside the officer's grants for the kind and action (414).
void check_mail_domain(const std::string& mail, authz::Kind kind, authz::Action action, const InstitutionFacts& inst,
                       const std::vector<authz::Grant>& grants, Collector& err) {
    std::string domain = mail_domain(mail);
    bool registered = std::any_of(inst.domains.begin(), inst.domains.end(),
                                  [&](const std::string& d) { return policy::within(domain, d); });
    if (!registered) {
        err.add("452", kUserMail, {"利用者E-mail のドメイン " + domain + " は機関の登録ドメインではありません。",
                                   "The end-user mail domain " + domain + " is not a registered domain of the institution."});
    } else if (!authz::permits(grants, domain, kind, action)) {
        err.add("414", kUserMail, {domain + " はあなたの担当範囲外です。", domain + " is outside the domains you are granted."});
    }
}

// What the S/MIME BRs (sponsor-validated) add: no OU (it may only name an
// Affiliate's legal name, which a department is not), and the institution's
// registration reference for subject:organizationIdentifier.
void check_smime(const std::vector<tsv::Rdn>& dn, const InstitutionFacts& inst, Collector& err) {
    if (std::any_of(dn.begin(), dn.end(), [](const tsv::Rdn& r) { return r.first == "OU"; })) {
        err.add("455", kDn, {"S/MIME 証明書に OU は指定できません (S/MIME BR)。", "S/MIME certificates cannot have an OU (S/MIME BRs)."});
    }
    if (inst.organization_identifier.empty()) {
        err.add("456", kProfile, {"機関の organizationIdentifier (法人番号) が未登録のため S/MIME 証明書を発行できません。サービス窓口に連絡してください。",
                                  "S/MIME certificates need the institution's organizationIdentifier (corporate number), which is not "
                                  "registered: contact the service desk."});
    }
}

bool client_certificate(const KnownCertificate& c) { return c.kind == "client" || c.kind == "smime"; }

void check_renewal(ClientApplication& app, const std::string& serial, const std::vector<authz::Grant>& grants,
                   Registry& registry, Collector& err) {
    auto old = registry.certificate(serial);
    // The certificate renewed must lie inside the officer's grants too, not only the new mail.
    bool granted = old && !old->names.empty() && std::all_of(old->names.begin(), old->names.end(), [&](const std::string& n) {
                       return authz::permits(grants, n, app.kind, authz::Action::renew);
                   });
    if (!old || old->kind != authz::to_string(app.kind) || !granted) {
        err.add("417", kOldSerial, {"更新対象の証明書が見つかりません (同じ種別の証明書を指定してください)。",
                                    "The certificate to renew was not found among your institution's certificates of this kind."});
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
    app.old_certificate_id = old->id;
}

void check_revocation(ClientApplication& app, const std::vector<std::string>& f, const std::vector<authz::Grant>& grants,
                      Registry& registry, Collector& err) {
    app.reason = check_reason(f[kReason], f[kComment], kReason, kComment, err);
    app.comment = f[kComment];
    auto old = registry.certificate(*policy::normalize_serial(f[kOldSerial]));
    if (old && !client_certificate(*old)) old.reset();  // a client file revokes client and S/MIME certificates
    authz::Kind kind = old && old->kind == "smime" ? authz::Kind::smime : authz::Kind::client;
    bool granted = old && !old->names.empty() && std::all_of(old->names.begin(), old->names.end(), [&](const std::string& n) {
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
    app.kind = kind;
    app.old_certificate_id = old->id;
}

}  // namespace

std::string mail_domain(const std::string& mail) {
    size_t at = mail.rfind('@');
    return at == std::string::npos ? std::string() : text::lower(mail.substr(at + 1));
}

LineResult check_client_row(const tsv::Row& row, ApplyType type, const InstitutionFacts& inst,
                            const std::vector<authz::Grant>& grants, const profile::Catalog& profiles, Registry& registry) {
    LineResult result;
    result.row = row.number;
    Collector err(result, kColumns);
    const auto& f = row.fields;
    if (!open_line(f, kClientColumns, {kDn, kSubName, kSubAffiliation, kSubMail}, inst.active, result, err)) return result;
    check_fields(f, type, profiles, err);
    if (err.any()) return result;

    ClientApplication app;
    app.row = row.number;
    app.type = type;
    app.subject_dn = f[kDn];
    app.subscriber_name = f[kSubName];
    app.subscriber_affiliation = f[kSubAffiliation];
    app.subscriber_email = f[kSubMail];
    auto dn = *tsv::parse_dn(f[kDn]);
    if (type == ApplyType::revoke) {
        check_revocation(app, f, grants, registry, err);
    } else {
        const profile::Profile* p = profiles.find(f[kProfile]);  // check_fields has made sure it is one
        app.kind = p->kind;
        app.profile = p->id;
        app.download_method = f[kMethod] == "2" ? 2 : 1;
        app.end_user_name = f[kUserName];
        app.pkcs12_name = f[kFileName];
        app.end_user_affiliation = f[kUserAffiliation];
        app.end_user_email = f[kUserMail];
        app.preset_pin = f[kPin];
        check_subject(dn, app.end_user_email, inst, registry, err);
        if (app.kind == authz::Kind::smime) check_smime(dn, inst, err);
        check_mail_domain(app.end_user_email, app.kind, type == ApplyType::renew ? authz::Action::renew : authz::Action::issue,
                          inst, grants, err);
        if (app.download_method == 2 && registry.bulk_name_taken(app.subscriber_email, app.pkcs12_name)) {
            err.add("453", kFileName, {"同じ利用管理者の一括 ZIP に同じファイル名があります: " + app.pkcs12_name,
                                       "The subscriber's bulk ZIP has this file name already: " + app.pkcs12_name});
        }
        if (type == ApplyType::renew) {
            check_renewal(app, *policy::normalize_serial(f[kOldSerial]), grants, registry, err);
        } else if (!err.any() && registry.subject_in_use(app.subject_dn, app.kind)) {
            err.add("212", kDn, {"指定したDNはすでに存在しています。", "This DN already exists: use renewal."});
        }
    }
    if (!err.any()) result.client = std::move(app);
    return result;
}

}  // namespace inkan::workflow

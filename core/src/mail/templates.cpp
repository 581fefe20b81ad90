#include "mail/templates.hpp"

namespace inkan::mail {

namespace {
const char* kRule = "\n----------------------------------------------------------------\n\n";

Mail make(std::vector<std::string> to, const char* kind, const std::string& subject, const std::string& ja,
          const std::string& en, bool secret = false) {
    Mail m;
    m.to = std::move(to);
    m.kind = kind;
    m.subject = subject;
    m.body = ja + kRule + en;
    m.secret = secret;
    return m;
}

const char* reason_name(int reason) {
    switch (reason) {
        case 1: return "keyCompromise";
        case 3: return "affiliationChanged";
        case 4: return "superseded";
        case 5: return "cessationOfOperation";
        default: return "unspecified";
    }
}
}  // namespace

Mail server_download_link(const std::string& to, const std::string& subject_dn, const std::string& serial,
                          const std::string& link, const std::string& expires_at) {
    return make({to}, "server-download-link", "[inkan] 証明書取得URL通知 / Certificate download URL",
                "サーバ証明書が発行されました。次のURLから取得してください。\n\n"
                "  主体者DN: " + subject_dn + "\n  シリアル番号: " + serial + "\n\n  " + link +
                    "\n\n有効期限: " + expires_at + "\n",
                "Your server certificate has been issued. Download it from this URL.\n\n"
                "  Subject DN: " + subject_dn + "\n  Serial number: " + serial + "\n\n  " + link +
                    "\n\nValid until: " + expires_at + "\n",
                true);
}

Mail server_issued(const std::string& to, const std::string& subject_dn, const std::string& serial,
                   const std::string& revocation_tsv_line, const std::string& old_serial) {
    std::string ja = "次のサーバ証明書が利用管理者により取得されました。\n\n  主体者DN: " + subject_dn +
                     "\n  シリアル番号: " + serial + "\n";
    std::string en = "The subscriber has downloaded this server certificate.\n\n  Subject DN: " + subject_dn +
                     "\n  Serial number: " + serial + "\n";
    if (!revocation_tsv_line.empty()) {
        ja += "\n更新前の証明書 (シリアル番号 " + old_serial +
              ") は自動では失効されません。不要になったら次の行を失効申請ファイルとして申請してください:\n\n" +
              revocation_tsv_line;
        en += "\nThe previous certificate (serial " + old_serial +
              ") is not revoked automatically. When it is no longer needed, submit this line as a revocation file:\n\n" +
              revocation_tsv_line;
    }
    return make({to}, "server-issued", "[inkan] 証明書発行完了通知 / Certificate issued", ja, en);
}

Mail renewal_reminder(const std::string& to, const std::string& subject_dn, const std::string& old_serial,
                      const std::string& new_serial, const std::string& revocation_tsv_line) {
    return make({to}, "renewal-reminder", "[inkan] 更新前証明書の失効のお願い / Please revoke the renewed certificate",
                "次の証明書は更新済みですが、まだ有効です。\n\n  主体者DN: " + subject_dn + "\n  旧シリアル番号: " +
                    old_serial + "\n  新シリアル番号: " + new_serial + "\n\n失効申請用の行:\n\n" + revocation_tsv_line,
                "This certificate was renewed but is still valid.\n\n  Subject DN: " + subject_dn +
                    "\n  Old serial: " + old_serial + "\n  New serial: " + new_serial +
                    "\n\nLine for a revocation file:\n\n" + revocation_tsv_line);
}

Mail server_revoked(const std::vector<std::string>& to, const std::string& subject_dn, const std::string& serial,
                    int reason) {
    std::string r = std::to_string(reason) + " (" + reason_name(reason) + ")";
    return make(to, "server-revoked", "[inkan] 証明書失効完了通知 / Certificate revoked",
                "次の証明書を失効しました。\n\n  主体者DN: " + subject_dn + "\n  シリアル番号: " + serial +
                    "\n  失効理由: " + r + "\n",
                "This certificate has been revoked.\n\n  Subject DN: " + subject_dn + "\n  Serial number: " + serial +
                    "\n  Reason: " + r + "\n");
}

Mail pin_file_link(const std::string& to, const std::string& link, const std::string& expires_at) {
    return make({to}, "pin-file-link", "[inkan] アクセスPIN通知 / Access PINs for new certificates",
                "申請されたクライアント証明書・S/MIME証明書が発行されました。次のURLからアクセスPINのファイル (ZIP) を取得し、"
                "各利用者に安全な方法でお渡しください。URLは一度だけ使えます。利用者の証明書取得URLは、PINファイルの取得後に有効になります。\n\n  " +
                    link + "\n\n有効期限: " + expires_at + "\n",
                "The client / S/MIME certificates you were named for have been issued. Fetch the file of access PINs (ZIP) "
                "from this URL and hand each PIN to its end user by a safe channel. The URL works once. The end users' "
                "certificate links work only after the PIN file was fetched.\n\n  " +
                    link + "\n\nValid until: " + expires_at + "\n",
                true);
}

Mail credential_link(const std::string& to, const std::string& end_user_name, const std::string& subject_dn,
                     const std::string& serial, const std::string& old_serial, const std::string& link,
                     const std::string& expires_at) {
    std::string renewal_ja = old_serial.empty() ? "" : "  更新前のシリアル番号: " + old_serial + "\n";
    std::string renewal_en = old_serial.empty() ? "" : "  Serial of the renewed certificate: " + old_serial + "\n";
    return make({to}, "credential-link", "[inkan] 証明書取得URL通知 / Your certificate is ready",
                end_user_name + " 様\n\nあなたの証明書が発行されました。次のURLで、利用管理者から受け取るアクセスPINを入力して"
                "PKCS#12 ファイルを取得してください。\n\n  主体者DN: " + subject_dn + "\n  シリアル番号: " + serial + "\n" +
                    renewal_ja + "\n  " + link + "\n\n有効期限: " + expires_at + "\n",
                "Dear " + end_user_name + ",\n\nYour certificate has been issued. At this URL, enter the access PIN your "
                "administrator gives you to download the PKCS#12 file.\n\n  Subject DN: " + subject_dn +
                    "\n  Serial number: " + serial + "\n" + renewal_en + "\n  " + link + "\n\nValid until: " + expires_at + "\n",
                true);
}

Mail credential_collected(const std::vector<std::string>& to, const std::string& subject_dn, const std::string& serial) {
    return make(to, "credential-collected", "[inkan] 証明書取得通知 / Certificate collected",
                "次の証明書 (PKCS#12) が取得されました。\n\n  主体者DN: " + subject_dn + "\n  シリアル番号: " + serial + "\n",
                "This certificate (PKCS#12) has been collected.\n\n  Subject DN: " + subject_dn + "\n  Serial number: " + serial +
                    "\n");
}

Mail officer_pickup(const std::string& to, const std::string& officer_name, const std::string& institution,
                    const std::string& link, const std::string& expires_at) {
    Mail m;
    m.to = {to};
    m.kind = "officer-pickup";
    m.secret = true;
    m.subject = "[inkan] 登録担当者証明書取得URL通知 / Officer certificate pickup URL";
    m.body = officer_name + " 様 (" + institution +
             ")\n\n"
             "登録担当者証明書を取得するためのURLをお知らせします。\n"
             "アクセスPINはサービス窓口から別途お渡しします。\n\n"
             "  " + link + "\n\n"
             "有効期限: " + expires_at +
             "\n"
             "PINを5回間違えると取得できなくなります。その場合はサービス窓口に連絡してください。\n\n"
             "----------------------------------------------------------------\n\n"
             "Dear " + officer_name + " (" + institution +
             "),\n\n"
             "Use the following URL to pick up your registration officer certificate.\n"
             "The service desk gives you the access PIN separately.\n\n"
             "  " + link + "\n\n"
             "Valid until: " + expires_at +
             "\n"
             "After 5 wrong PINs the pickup locks; contact the service desk then.\n";
    return m;
}

}  // namespace inkan::mail

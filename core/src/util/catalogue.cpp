#include "util/catalogue.hpp"

#include <algorithm>

namespace inkan {

const std::vector<CatalogueEntry>& catalogue() {
    static const std::vector<CatalogueEntry> entries = {
        // UPKI's codes (UPKI-FORMATS §5): line errors, some also request errors
        {"201", 400, {"必須項目が入力されていません。", "A required field is missing."}},
        {"202", 400, {"文字数が上限を超えています。", "A field is longer than its limit."}},
        {"204", 400, {"半角数字で入力してください。", "Use digits only."}},
        {"205", 400, {"使用できない文字が含まれています。", "The comment contains a character that is not allowed."}},
        {"206", 400, {"形式に従っていません。", "The field does not follow its format."}},
        {"208", 400, {"ファイルが指定されていません。", "No file was given."}},
        {"209", 400, {"ファイルの拡張子は .tsv または .txt です。", "The file name must end in .tsv or .txt."}},
        {"212", 400, {"指定したDNはすでに存在しています。", "This DN already exists: use renewal."}},
        {"213", 400, {"ファイルにレコードがありません。", "The file has no records."}},
        {"214", 400, {"レコード数が上限を超えています。", "The file has too many records."}},
        {"215", 403, {"機関が有効ではありません。", "The institution is not active."}},
        {"371:1", 400, {"OU が許可リストにありません。", "The OU is not in the domain's allow list."}},
        // inkan's checks of applications
        {"401", 400, {"CSR を読み取れません。", "The CSR cannot be read."}},
        {"402", 400, {"CSR の署名を検証できません。", "The CSR's signature does not verify."}},
        {"403", 400, {"プロファイルで使えない鍵です。", "The key type or size is not allowed for the profile."}},
        {"404", 400, {"RSA の公開指数は 65537 でなければなりません。", "The RSA public exponent must be 65537."}},
        {"405", 400, {"RSA の法に小さな素因数があります。", "The RSA modulus has a small prime factor."}},
        {"406", 400, {"RSA の素因数が近すぎます。", "The RSA primes are too close."}},
        {"407", 400, {"ROCA 脆弱性のある鍵です。", "The key has the ROCA weakness."}},
        {"408", 400, {"主体者DNが CSR と一致しません。", "The subject DN differs from the CSR."}},
        {"409", 400, {"C, O, L, ST が機関の登録と一致しません。", "C, O, L or ST differ from the institution's registration."}},
        {"410", 400, {"サーバ証明書に OU は指定できません。", "A server certificate may not carry an OU."}},
        {"411", 400, {"Email 属性は指定できません。", "The Email attribute is not allowed."}},
        {"412", 400, {"CN がホスト名ではありません。", "The CN is not a host name."}},
        {"413", 400, {"利用管理者FQDN が CN と一致しません。", "The subscriber FQDN differs from the CN."}},
        {"414", 400, {"担当範囲外の名前です。", "A name lies outside the domains you are granted."}},
        {"415", 400, {"dNSName が不正です。", "A dNSName is invalid, repeated or one too many."}},
        {"416", 400, {"証明書プロファイルID が正しくありません。", "The profile ID is not an issuable profile."}},
        {"417", 400, {"更新対象の証明書が正しくありません。", "The certificate to renew is not right."}},
        {"418", 400, {"更新には新しい鍵が必要です。", "A renewal needs a new key pair."}},
        {"419", 400, {"失効対象の証明書が正しくありません。", "The certificate to revoke is not right."}},
        {"420", 400, {"失効理由が正しくありません。", "The revocation reason is not allowed."}},
        {"421", 400, {"項目数が正しくありません。", "The line does not have the right number of fields."}},
        {"422", 400, {"文字コードが正しくありません。", "The file is neither Shift_JIS nor UTF-8."}},
        {"424", 403, {"この機能は許可されていません。", "You are not granted this function."}},
        {"425", 400, {"発行前検査 (lint) に失敗しました。", "Pre-issuance lint failed."}},
        {"426", 400, {"証明書はすでに失効しています。", "The certificate is already revoked."}},
        {"427", 400, {"CSR が弱いハッシュで署名されています。", "The CSR is signed with a broken hash."}},
        {"428", 400, {"制御文字が含まれています。", "A field holds a control character."}},
        {"429", 400, {"署名前の再確認で拒否しました。", "Refused on re-authorization before signing."}},
        {"440", 400, {"ACMEアカウントID が見つからないか担当範囲外です。", "The ACME account ID is unknown or outside your grants."}},
        {"441", 400, {"この ACME 利用は停止されています。", "This ACME registration is suspended."}},
        {"442", 400, {"ACME 利用情報に CSR や作成時の ACMEアカウントID は指定しません。",
                      "ACME registrations take no CSR, and no account ID when created."}},
        {"450", 400, {"ダウンロード方法は 1 か 2 です (3 は廃止)。", "The download method is 1 or 2 (3 was abolished)."}},
        {"451", 400, {"廃止されたプロファイルです。", "The profile was withdrawn."}},
        {"452", 400, {"利用者E-mail のドメインが機関の登録ドメインではありません。", "The end-user mail domain is not registered to the institution."}},
        {"453", 400, {"P12ファイル名に使えない文字があります。", "The PKCS#12 file name holds a character that is not allowed."}},
        {"454", 400, {"アクセスPIN が条件を満たしません。", "The access PIN does not meet the rules."}},
        {"455", 400, {"S/MIME 証明書に OU は指定できません。", "S/MIME certificates cannot have an OU."}},
        {"456", 400, {"機関の organizationIdentifier が未登録です。", "The institution has no organizationIdentifier registered."}},
        // authentication, sessions, enrollment, service
        {"501", 403, {"クライアント認証が必要です。", "Client authentication is required."}},
        {"502", 403, {"登録担当者証明書として登録されていません。", "Not a registered officer certificate."}},
        {"503", 403, {"登録担当者証明書が有効ではありません。", "The officer certificate is not valid."}},
        {"504", 403, {"不正なリクエストです。", "The CSRF token is missing or wrong."}},
        {"510", 403, {"指定されたURLへのアクセスは拒否されました。", "Access to this URL was denied."}},
        {"511", 403, {"アクセスPINが違います。", "Wrong access PIN."}},
        {"512", 403, {"取得はロックされています。", "This pickup is locked."}},
        {"513", 403, {"まだ更新できません。", "The certificate cannot be renewed yet."}},
        {"514", 503, {"証明書を発行できませんでした。", "The certificate could not be issued."}},
        {"515", 409, {"発行処理中です。", "The certificate is being issued right now."}},
        {"516", 404, {"受け取る証明書がありません。", "There is no certificate to collect."}},
        {"517", 409, {"アクセスPINのファイルがまだ取得されていません。", "The access PINs have not been fetched yet."}},
        {"520", 503, {"データベースに接続できません。", "The database is unavailable."}},
        {"530", 400, {"リクエストが正しくありません。", "The request is malformed."}},
        {"531", 404, {"ページが見つかりません。", "Page not found."}},
        {"532", 405, {"このメソッドは使用できません。", "Method not allowed."}},
        {"533", 400, {"UTF-8 ではない値があります。", "A field is not valid UTF-8."}},
        {"534", 400, {"制御文字を含む値があります。", "A field holds a control character."}},
        {"535", 413, {"リクエストが大きすぎます。", "The request body is too large."}},
        {"536", 414, {"URL が長すぎます。", "The URL is too long."}},
        {"537", 400, {"リクエストを読み取れません。", "The request cannot be read."}},
        {"599", 500, {"内部エラーが発生しました。", "An internal error occurred."}},
        // registration data (inkanctl)
        {"601", 400, {"機関の項目が正しくありません。", "An institution field is not valid."}},
        {"602", 400, {"ドメインが正しくありません。", "The domain is not valid."}},
        {"604", 400, {"登録担当者の項目が正しくありません。", "An officer field is not valid."}},
        {"605", 400, {"付与が正しくありません。", "The grant is not valid."}},
        {"606", 400, {"指定したものがありません。", "The named object does not exist."}},
        {"607", 400, {"設定が正しくありません。", "The setting is not valid."}},
    };
    return entries;
}

const CatalogueEntry* catalogue_entry(std::string_view code) {
    const auto& all = catalogue();
    auto it = std::find_if(all.begin(), all.end(), [&](const CatalogueEntry& e) { return e.code == code; });
    return it == all.end() ? nullptr : &*it;
}

int catalogue_status(std::string_view code) {
    const CatalogueEntry* e = catalogue_entry(code);
    return e ? e->http_status : 400;
}

Error catalogued(std::string_view code) {
    const CatalogueEntry* e = catalogue_entry(code);
    if (!e) throw InternalError("error code " + std::string(code) + " is not in the catalogue");
    return Error(std::string(code), e->summary, e->http_status);
}

}  // namespace inkan

#include "mail/templates.hpp"

namespace inkan::mail {

Mail officer_pickup(const std::string& to, const std::string& officer_name, const std::string& institution,
                    const std::string& link, const std::string& expires_at) {
    Mail m;
    m.to = {to};
    m.kind = "officer-pickup";
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

#include "enroll/pin_errors.hpp"

#include "settings/settings.hpp"
#include "util/codes.hpp"

namespace inkan::enroll {

Error wrong_pin(int attempts_left) {
    std::string n = std::to_string(attempts_left);
    return Error(codes::kWrongPin,
                 {"アクセスPINが違います。あと " + n + " 回間違えると、このURLはロックされます。",
                  "Wrong access PIN: " + n + (attempts_left == 1 ? " try" : " tries") + " left before this link locks."},
                 403);
}

Error pin_locked(store::Connection& c, const Message& remedy) {
    std::string contact = settings::get_optional(c, "service_desk_contact");
    std::string ja = "アクセスPINの誤りが上限に達したため、このURLはロックされました。" + remedy.ja;
    std::string en = "Too many wrong access PINs: this link is locked. " + remedy.en;
    if (!contact.empty()) {
        ja += " 連絡先: " + contact;
        en += " Contact: " + contact;
    }
    return Error(codes::kPickupLocked, {ja, en}, 403);
}

}  // namespace inkan::enroll

#include "worker/credential_delivery.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "mail/outbox.hpp"
#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "store/credentials.hpp"
#include "util/error.hpp"

namespace inkan::worker {

void deliver_credential(store::Connection& c, const store::PendingDelivery& d) {
    auto k = store::credential_to_deliver(c, d.certificate_id);
    if (!k) throw InternalError("the certificate has no stored credential");
    // Method 2: the subscriber hands out the bulk ZIP, the end user gets no link.
    std::string file_token = crypto::random_token();
    std::optional<std::string> user_token;
    if (k->download_method == 1) user_token = crypto::random_token();
    auto filed = store::file_credential(c, k->application_id, crypto::sha256(file_token),
                                        user_token ? std::optional(crypto::sha256(*user_token)) : std::nullopt,
                                        settings::get_int(c, "download_link_days"));
    if (filed.new_file) {
        mail::enqueue(c, mail::pin_file_link(k->subscriber_email, settings::console_link(c, "pins", file_token), filed.expires_at));
    }
    if (user_token) {
        mail::enqueue(c, mail::credential_link(k->end_user_email, k->end_user_name, d.subject_dn, d.serial, k->old_serial,
                                               settings::console_link(c, "credential", *user_token), filed.expires_at));
    }
}

}  // namespace inkan::worker

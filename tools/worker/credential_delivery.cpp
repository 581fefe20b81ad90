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
    auto pin_file = store::open_pin_file(c, k->batch_id, k->subscriber_email);
    if (!pin_file) {
        std::string token = crypto::random_token();
        pin_file = store::insert_pin_file(c, k->institution_id, k->batch_id, k->subscriber_email, crypto::sha256(token),
                                          settings::get_int(c, "download_link_days"));
        mail::enqueue(c, mail::pin_file_link(k->subscriber_email, settings::console_link(c, "pins", token), pin_file->expires_at));
    }
    if (k->download_method != 1) {  // the subscriber hands out the bulk ZIP
        store::file_credential(c, k->application_id, pin_file->id, std::nullopt);
        return;
    }
    std::string token = crypto::random_token();
    store::file_credential(c, k->application_id, pin_file->id, crypto::sha256(token));
    mail::enqueue(c, mail::credential_link(k->end_user_email, k->end_user_name, d.subject_dn, d.serial, k->old_serial,
                                           settings::console_link(c, "credential", token), pin_file->expires_at));
}

}  // namespace inkan::worker

// Repository of deliveries: the signer hands each issued or revoked
// certificate over as a row; the mailer claims the rows (FOR UPDATE SKIP
// LOCKED) and carries out the profile's delivery in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/pg.hpp"

namespace inkan::store {

enum class DeliveryEvent { issued, revoked, resent };

void hand_over(Connection& c, int64_t certificate_id, int64_t application_id, DeliveryEvent event);

struct PendingDelivery {
    int64_t id = 0, certificate_id = 0;
    DeliveryEvent event = DeliveryEvent::issued;
    std::string profile, subject_dn, serial;
    int revocation_reason = 0;
    std::string applied_at;        // when the application was made (download links count from it)
    std::string handed_over_at;    // when this delivery was asked for (a re-sent link counts from it)
    std::string officer_email;     // who applied
    std::string subscriber_email;  // named on the application
    std::string original_subscriber_email;  // who received the certificate
};

std::optional<PendingDelivery> claim_next_delivery(Connection& c);
void mark_delivered(Connection& c, int64_t delivery_id);
// Closes a hand-over that cannot be delivered, so it does not block the queue.
void mark_undeliverable(Connection& c, int64_t delivery_id, const std::string& why);

}  // namespace inkan::store

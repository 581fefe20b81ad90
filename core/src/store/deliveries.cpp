#include "store/deliveries.hpp"

namespace inkan::store {

void hand_over(Connection& c, int64_t certificate_id, int64_t application_id, DeliveryEvent event) {
    c.query("INSERT INTO deliveries (certificate_id, application_id, event) VALUES ($1, $2, $3)", certificate_id,
            application_id, event == DeliveryEvent::issued ? "issued" : event == DeliveryEvent::revoked ? "revoked" : "resent");
}

std::optional<PendingDelivery> claim_next_delivery(Connection& c) {
    auto r = c.query(
        "SELECT d.id, d.certificate_id, d.event, coalesce(ce.profile, ''), ce.subject_dn, ce.serial, "
        "coalesce(ce.revocation_reason, 0), a.created_at::text, coalesce(o.email, ''), coalesce(a.subscriber_email, ''), "
        "coalesce(orig.subscriber_email, ''), d.created_at::text "
        "FROM deliveries d JOIN certificates ce ON ce.id = d.certificate_id JOIN applications a ON a.id = d.application_id "
        "LEFT JOIN officers o ON o.id = a.officer_id LEFT JOIN applications orig ON orig.id = ce.application_id "
        "WHERE d.delivered_at IS NULL ORDER BY d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED");
    if (r.empty()) return std::nullopt;
    PendingDelivery d;
    d.id = r.integer(0, 0);
    d.certificate_id = r.integer(0, 1);
    std::string event = r.text(0, 2);
    d.event = event == "revoked" ? DeliveryEvent::revoked : event == "resent" ? DeliveryEvent::resent : DeliveryEvent::issued;
    d.profile = r.text(0, 3);
    d.subject_dn = r.text(0, 4);
    d.serial = r.text(0, 5);
    d.revocation_reason = static_cast<int>(r.integer(0, 6));
    d.applied_at = r.text(0, 7);
    d.officer_email = r.text(0, 8);
    d.subscriber_email = r.text(0, 9);
    d.original_subscriber_email = r.text(0, 10);
    d.handed_over_at = r.text(0, 11);
    return d;
}

void mark_delivered(Connection& c, int64_t delivery_id) {
    c.query("UPDATE deliveries SET delivered_at = now() WHERE id = $1", delivery_id);
}

void mark_undeliverable(Connection& c, int64_t delivery_id, const std::string& why) {
    c.query("UPDATE deliveries SET delivered_at = now(), error = $2 WHERE id = $1", delivery_id, why);
}

}  // namespace inkan::store

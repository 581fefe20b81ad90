#include "worker/delivery.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "mail/outbox.hpp"
#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/deliveries.hpp"
#include "store/profiles.hpp"
#include "store/tokens.hpp"
#include "util/error.hpp"
#include "worker/credential_delivery.hpp"

namespace inkan::worker {

namespace {
// A first link counts from the application (UPKI), a re-sent one from the request.
void mail_download_link(store::Connection& c, const store::PendingDelivery& d) {
    std::string token = crypto::random_token();
    const std::string& from = d.event == store::DeliveryEvent::resent ? d.handed_over_at : d.applied_at;
    std::string expires = store::insert_download_token(c, d.certificate_id, crypto::sha256(token), from,
                                                       settings::get_int(c, "download_link_days"));
    std::string url = settings::console_link(c, "download", token);
    mail::enqueue(c, mail::server_download_link(d.subscriber_email, d.subject_dn, d.serial, url, expires));
}

// The officer who applied, and the subscriber named on the revocation line or
// else the one who received the certificate.
void mail_revocation(store::Connection& c, const store::PendingDelivery& d) {
    std::string subscriber = !d.subscriber_email.empty() ? d.subscriber_email : d.original_subscriber_email;
    std::vector<std::string> to = {d.officer_email};
    if (!subscriber.empty() && subscriber != to[0]) to.push_back(subscriber);
    mail::enqueue(c, mail::server_revoked(to, d.subject_dn, d.serial, d.revocation_reason));
}

void deliver(store::Connection& c, const profile::Profile& p, const store::PendingDelivery& d) {
    if (p.delivery == profile::Delivery::officer_pickup) return;
    if (p.delivery == profile::Delivery::pkcs12_pin && d.event == store::DeliveryEvent::issued) return deliver_credential(c, d);
    if (p.delivery == profile::Delivery::pkcs12_pin && d.event == store::DeliveryEvent::resent) {
        throw InternalError("a PKCS#12 is handed out once; a lost one is renewed, not re-sent");
    }
    // An ACME client fetches its certificate from the order; revocations are mailed.
    if (p.delivery == profile::Delivery::acme_order && d.event != store::DeliveryEvent::revoked) return;
    if (d.event == store::DeliveryEvent::revoked) {
        mail_revocation(c, d);
    } else {
        mail_download_link(c, d);
    }
}
// 40xxx transaction rollback (serialization, deadlock), 55P03 lock not available, 57014 canceled.
bool transient(const store::QueryError& e) {
    const std::string& state = e.sqlstate();
    return state.rfind("40", 0) == 0 || state == "55P03" || state == "57014";
}

// Bad data must not block the queue: the hand-over is closed with the reason.
void give_up(store::Connection& c, const store::PendingDelivery& d, const std::string& actor, const std::string& target,
             const std::string& why) {
    c.exec("ROLLBACK TO SAVEPOINT delivery");
    store::mark_undeliverable(c, d.id, why);
    audit::append(c, actor, "delivery.failed", target, {{"error", why}});
}
}  // namespace

bool deliver_next(store::Connection& c, const std::string& actor) {
    store::Transaction tx(c);
    auto d = store::claim_next_delivery(c);
    if (!d) return false;
    std::string target = "certificate:" + std::to_string(d->certificate_id);
    // inkan::Error (a missing setting such as officer_url) and a lost
    // connection propagate: nothing is marked, the delivery waits for the fix.
    c.exec("SAVEPOINT delivery");
    try {
        auto catalog = store::load_profiles(c);
        const profile::Profile* p = catalog.find(d->profile);
        if (!p) throw InternalError("the certificate names no known profile '" + d->profile + "'");
        deliver(c, *p, *d);
        store::mark_delivered(c, d->id);
        const char* action = d->event == store::DeliveryEvent::issued    ? "certificate.delivered"
                             : d->event == store::DeliveryEvent::resent ? "certificate.link_resent"
                                                                        : "revocation.notified";
        audit::append(c, actor, action, target, {{"serial", d->serial}});
    } catch (const store::QueryError& e) {
        // A conflict or a timeout passes; the next round tries again.
        if (transient(e)) throw;
        give_up(c, *d, actor, target, std::string("database: ") + e.what());
    } catch (const InternalError& e) {
        give_up(c, *d, actor, target, e.what());
    }
    tx.commit();
    return true;
}

}  // namespace inkan::worker

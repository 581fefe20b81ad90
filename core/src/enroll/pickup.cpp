#include "enroll/pickup.hpp"

#include "enroll/pin_errors.hpp"

#include <algorithm>
#include <tuple>

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/pickups.hpp"
#include "util/codes.hpp"

namespace inkan::enroll {

namespace {
Error denied() {
    return Error(codes::kLinkDenied,
                 {"指定されたURLへのアクセスは拒否されました。", "Access to this URL was denied."}, 403);
}

// Locked pickups are reopened by the service desk (a new PIN).
Error locked(store::Connection& c) {
    return pin_locked(c, {"サービス窓口に連絡して、アクセスPINを再発行してもらってください。",
                          "Ask the service desk to issue a new access PIN."});
}

int max_attempts(store::Connection& c) { return static_cast<int>(settings::get_int(c, "pickup_max_attempts")); }

Error busy() {
    return Error(codes::kPickupBusy,
                 {"この証明書は発行処理中です。しばらくお待ちください。",
                  "This certificate is being issued right now. Please wait a moment."},
                 409);
}

// Loads the pickup row and checks everything except the PIN (which the
// database checks, with the row locked, in inkan_try_pin).
store::PickupRow load(store::Connection& c, const std::string& token) {
    auto found = store::find_pickup(c, crypto::sha256(token));
    if (!found) throw denied();
    const store::PickupRow& row = *found;
    if (!row.usable || row.state == "completed" || row.state == "superseded") throw denied();
    if (!row.institution_active) {
        throw Error(codes::kInstitutionInactive, {"機関が有効ではありません。", "The institution is not active."}, 403);
    }
    if (row.state == "locked") throw locked(c);
    if (row.state == "issuing" && !row.stale_issuing) throw busy();
    return row;
}

Pickup pickup_of(store::Connection& c, const store::PickupRow& row) {
    return {row.id, row.officer_id, row.institution_id, row.officer_name,
            std::max(0, max_attempts(c) - row.failed_attempts)};
}

std::string object(const Pickup& p) { return "officer_pickup:" + std::to_string(p.id); }
}  // namespace

Pickup open_pickup(store::Connection& c, const std::string& token) {
    store::Transaction tx(c);
    return pickup_of(c, load(c, token));
}

Pickup claim_pickup(store::Connection& c, const std::string& token, const std::string& pin, const std::string& peer) {
    store::Transaction tx(c);
    store::PickupRow row = load(c, token);
    Pickup pickup = pickup_of(c, row);
    std::string actor = "enroll:" + peer;
    std::string outcome = store::try_pin(c, row.id, pin);
    if (outcome == "accepted") {
        audit::append(c, actor, "officer.pickup_pin_accepted", object(pickup));
        tx.commit();
        return pickup;
    }
    if (outcome == "busy") throw busy();
    if (outcome != "wrong" && outcome != "locked") throw denied();
    bool now_locked = outcome == "locked";
    audit::append(c, actor, now_locked ? "officer.pickup_locked" : "officer.pickup_wrong_pin", object(pickup),
                  {{"failed_attempts", row.failed_attempts + 1}});
    tx.commit();
    if (now_locked) throw locked(c);
    throw wrong_pin(std::max(1, pickup.attempts_left - 1));
}

void release_pickup(store::Connection& c, const Pickup& p) {
    store::Transaction tx(c);
    store::end_issuing(c, p.id, "open");
    tx.commit();
}

NewPickup create_pickup(store::Connection& c, int64_t officer_id, const std::string& actor) {
    int64_t days = settings::get_int(c, "pickup_link_days");
    std::string token = crypto::random_token();
    NewPickup out;
    out.pin = crypto::random_readable(12);
    store::Transaction tx(c);
    auto o = store::active_officer_contact(c, officer_id);
    if (!o) {
        throw Error(codes::kUnknownObject, {"有効な登録担当者 " + std::to_string(officer_id) + " がありません。",
                                            "No active officer " + std::to_string(officer_id) + "."});
    }
    std::string salt = crypto::random_bytes(16);
    store::PinRecord pin{crypto::hash_secret(out.pin), salt, crypto::sha256(salt + out.pin)};
    std::tie(out.id, out.expires_at) = store::open_pickup_row(c, officer_id, crypto::sha256(token), pin, days);
    out.mailed_to = o->email;
    mail::enqueue(c, mail::officer_pickup(out.mailed_to, o->name, o->institution,
                                          settings::console_link(c, "pickup", token), out.expires_at));
    audit::append(c, actor, "officer.pickup_created", "officer_pickup:" + std::to_string(out.id),
                  {{"officer_id", officer_id}, {"expires_at", out.expires_at}});
    tx.commit();
    return out;
}

}  // namespace inkan::enroll

#include "enroll/pickup.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "http/request.hpp"
#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "util/codes.hpp"

namespace inkan::enroll {

namespace {
Error denied() {
    return Error(codes::kLinkDenied,
                 {"指定されたURLへのアクセスは拒否されました。", "Access to this URL was denied."}, 403);
}

Error locked() {
    return Error(codes::kPickupLocked,
                 {"アクセスPINの誤りが上限に達したため、取得できません。サービス窓口に連絡してください。",
                  "Too many wrong access PINs: this pickup is locked. Contact the service desk."},
                 403);
}

struct Row {
    Pickup pickup;
    std::string pin_hash, state;
    int failed = 0;
    bool usable = false, institution_active = false, stale_issuing = false;
};

// Loads and locks the pickup row; checks everything except the PIN.
Row load(store::Connection& c, const std::string& token) {
    auto r = c.query(
        "SELECT p.id, p.officer_id, o.institution_id, o.name, p.pin_hash, p.state, p.failed_attempts, "
        "p.expires_at > now() AND o.status = 'active', i.status = 'active', p.updated_at < now() - interval '5 minutes' "
        "FROM officer_pickups p JOIN officers o ON o.id = p.officer_id JOIN institutions i ON i.id = o.institution_id "
        "WHERE p.token_hash = $1 FOR UPDATE OF p",
        store::Bytes{crypto::sha256(token)});
    if (r.empty()) throw denied();
    Row row{{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.text(0, 3)},
            r.text(0, 4), r.text(0, 5), static_cast<int>(r.integer(0, 6)), r.boolean(0, 7), r.boolean(0, 8),
            r.boolean(0, 9)};
    if (!row.usable || row.state == "completed" || row.state == "superseded") throw denied();
    if (!row.institution_active) {
        throw Error(codes::kInstitutionInactive, {"機関が有効ではありません。", "The institution is not active."}, 403);
    }
    if (row.state == "locked") throw locked();
    if (row.state == "issuing" && !row.stale_issuing) {
        throw Error(codes::kPickupBusy,
                    {"この証明書は発行処理中です。しばらくお待ちください。",
                     "This certificate is being issued right now. Please wait a moment."},
                    409);
    }
    return row;
}

std::string object(const Pickup& p) { return "officer_pickup:" + std::to_string(p.id); }
}  // namespace

Pickup open_pickup(store::Connection& c, const std::string& token) {
    store::Transaction tx(c);
    return load(c, token).pickup;
}

Pickup claim_pickup(store::Connection& c, const std::string& token, const std::string& pin, const std::string& peer) {
    int64_t max_attempts = settings::get_int(c, "pickup_max_attempts");
    store::Transaction tx(c);
    Row row = load(c, token);
    std::string actor = "enroll:" + peer;
    if (!crypto::verify_secret(pin, row.pin_hash)) {
        int failed = row.failed + 1;
        bool now_locked = failed >= max_attempts;
        c.query("UPDATE officer_pickups SET failed_attempts = $2, state = $3, updated_at = now() WHERE id = $1",
                row.pickup.id, failed, now_locked ? "locked" : row.state);
        audit::append(c, actor, now_locked ? "officer.pickup_locked" : "officer.pickup_wrong_pin", object(row.pickup),
                      {{"failed_attempts", failed}});
        tx.commit();
        if (now_locked) throw locked();
        throw Error(codes::kWrongPin,
                    {"有効な証明書情報がありません", "No valid certificate information"}, 403);
    }
    c.query("UPDATE officer_pickups SET state = 'issuing', updated_at = now() WHERE id = $1", row.pickup.id);
    audit::append(c, actor, "officer.pickup_pin_accepted", object(row.pickup));
    tx.commit();
    return row.pickup;
}

NewPickup create_pickup(store::Connection& c, int64_t officer_id, const std::string& actor) {
    std::string base = settings::get(c, "enroll_url");
    if (base.empty() || base.back() != '/') base += '/';
    std::string days = settings::get(c, "pickup_link_days");
    std::string token = crypto::random_token();
    NewPickup out;
    out.pin = crypto::random_readable(12);
    store::Transaction tx(c);
    auto o = c.query("SELECT o.name, o.email, i.name_en FROM officers o JOIN institutions i ON i.id = o.institution_id "
                     "WHERE o.id = $1 AND o.status = 'active'",
                     officer_id);
    if (o.empty()) {
        throw Error(codes::kUnknownObject, {"有効な登録担当者 " + std::to_string(officer_id) + " がありません。",
                                            "No active officer " + std::to_string(officer_id) + "."});
    }
    c.query("UPDATE officer_pickups SET state = 'superseded', updated_at = now() "
            "WHERE officer_id = $1 AND state IN ('open', 'locked', 'issuing')",
            officer_id);
    auto r = c.query(
        "INSERT INTO officer_pickups (officer_id, token_hash, pin_hash, expires_at) "
        "VALUES ($1, $2, $3, now() + make_interval(days => $4::int)) "
        "RETURNING id, to_char(expires_at, 'YYYY-MM-DD HH24:MI \"UTC\"')",
        officer_id, store::Bytes{crypto::sha256(token)}, crypto::hash_secret(out.pin), days);
    out.id = r.integer(0, 0);
    out.expires_at = r.text(0, 1);
    out.mailed_to = o.text(0, 1);
    mail::enqueue(c, mail::officer_pickup(out.mailed_to, o.text(0, 0), o.text(0, 2),
                                          base + "pickup?t=" + http::url_encode(token), out.expires_at));
    audit::append(c, actor, "officer.pickup_created", "officer_pickup:" + std::to_string(out.id),
                  {{"officer_id", officer_id}, {"expires_at", out.expires_at}});
    tx.commit();
    return out;
}

void finish_pickup(store::Connection& c, const Pickup& p, bool issued, const std::string& serial) {
    store::Transaction tx(c);
    c.query("UPDATE officer_pickups SET state = $2, updated_at = now() WHERE id = $1 AND state = 'issuing'", p.id,
            issued ? "completed" : "open");
    if (issued) {
        audit::append(c, "officer:" + std::to_string(p.officer_id), "officer.certificate_picked_up", object(p),
                      {{"serial", serial}});
    }
    tx.commit();
}

}  // namespace inkan::enroll

#include "store/pickups.hpp"

#include "store/registry.hpp"

namespace inkan::store {

std::optional<PickupRow> find_pickup(Connection& c, const std::string& token_hash) {
    auto r = c.query(
        "SELECT p.id, p.officer_id, o.institution_id, o.name, p.pin_hash, p.state, p.failed_attempts, "
        "p.expires_at > now() AND o.status = 'active', i.status = 'active', "
        "NOT EXISTS (SELECT 1 FROM pending_keys k WHERE k.pickup_id = p.id AND k.expires_at > now()) "
        "FROM officer_pickups p JOIN officers o ON o.id = p.officer_id JOIN institutions i ON i.id = o.institution_id "
        "WHERE p.token_hash = $1",
        Bytes{token_hash});
    if (r.empty()) return std::nullopt;
    return PickupRow{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5),
                     static_cast<int>(r.integer(0, 6)), r.boolean(0, 7), r.boolean(0, 8), r.boolean(0, 9)};
}

std::string try_pin(Connection& c, int64_t pickup_id, const std::string& pin) {
    return c.query("SELECT inkan_try_pin($1, $2)", pickup_id, pin).text(0, 0);
}

void end_issuing(Connection& c, int64_t pickup_id, const std::string& state) {
    c.query("SELECT inkan_end_pickup($1, $2)", pickup_id, state);
}

std::optional<OfficerContact> active_officer_contact(Connection& c, int64_t officer_id) {
    auto r = c.query("SELECT o.name, o.email, i.name_en FROM officers o JOIN institutions i ON i.id = o.institution_id "
                     "WHERE o.id = $1 AND o.status = 'active'",
                     officer_id);
    if (r.empty()) return std::nullopt;
    return OfficerContact{r.text(0, 0), r.text(0, 1), r.text(0, 2)};
}

std::pair<int64_t, std::string> open_pickup_row(Connection& c, int64_t officer_id, const std::string& token_hash,
                                                const PinRecord& pin, int64_t days) {
    supersede_unfinished_pickups(c, officer_id);
    auto r = c.query(
        "INSERT INTO officer_pickups (officer_id, token_hash, pin_hash, pin_salt, pin_verifier, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int)) "
        "RETURNING id, to_char(expires_at, 'YYYY-MM-DD HH24:MI \"UTC\"')",
        officer_id, Bytes{token_hash}, pin.pbkdf2, Bytes{pin.salt}, Bytes{pin.verifier}, days);
    return {r.integer(0, 0), r.text(0, 1)};
}

void put_pending_key(Connection& c, int64_t application_id, int64_t officer_id, std::optional<int64_t> pickup_id,
                     const std::string& sealed_key, int64_t minutes) {
    // Sealed keys nobody collected in time open nothing any more: drop them,
    // and withdraw their applications if the signer has not reached them.
    c.query("SELECT inkan_cancel_officer(application_id) FROM pending_keys WHERE expires_at <= now()");
    c.query("DELETE FROM pending_keys WHERE expires_at <= now()");
    c.query("INSERT INTO pending_keys (application_id, officer_id, pickup_id, sealed_key, expires_at) "
            "VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5::int))",
            application_id, officer_id, pickup_id, Bytes{sealed_key}, minutes);
}

std::optional<PendingKey> lock_pending_key(Connection& c, int64_t application_id) {
    auto r = c.query("SELECT k.application_id, k.officer_id, k.pickup_id, k.sealed_key, a.state, a.certificate_id, "
                     "coalesce(a.error, ''), k.collected_at IS NOT NULL FROM pending_keys k JOIN applications a ON a.id = k.application_id "
                     "WHERE k.application_id = $1 AND k.expires_at > now() FOR UPDATE OF k",
                     application_id);
    if (r.empty()) return std::nullopt;
    PendingKey k;
    k.application_id = r.integer(0, 0);
    k.officer_id = r.integer(0, 1);
    if (!r.is_null(0, 2)) k.pickup_id = r.integer(0, 2);
    k.sealed_key = r.bytes(0, 3);
    k.state = r.text(0, 4);
    if (!r.is_null(0, 5)) k.certificate_id = r.integer(0, 5);
    k.error = r.text(0, 6);
    k.collected = r.boolean(0, 7);
    return k;
}

void delete_pending_key(Connection& c, int64_t application_id) {
    c.query("DELETE FROM pending_keys WHERE application_id = $1", application_id);
}

void mark_collected(Connection& c, int64_t application_id) {
    c.query("UPDATE pending_keys SET collected_at = now(), expires_at = least(expires_at, now() + interval '2 minutes') "
            "WHERE application_id = $1",
            application_id);
}

}  // namespace inkan::store

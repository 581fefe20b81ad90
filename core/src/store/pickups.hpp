// Repository of officer certificate pickups (link token + access PIN) and of
// the keys that wait, sealed, for their certificate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/pg.hpp"

namespace inkan::store {

struct PickupRow {
    int64_t id = 0, officer_id = 0, institution_id = 0;
    std::string officer_name, pin_hash, state;
    int failed_attempts = 0;
    bool usable = false;              // unexpired, officer active
    bool institution_active = false;
    bool stale_issuing = false;       // no sealed key waits for it any more (lost or expired)
};

// The pickup a link token (hashed) names.
std::optional<PickupRow> find_pickup(Connection& c, const std::string& token_hash);
// The database checks the PIN (inkan_try_pin, sql/013) and counts failures:
// "accepted" (now 'issuing'), "wrong", "locked", "busy" or "refused".
std::string try_pin(Connection& c, int64_t pickup_id, const std::string& pin);
// Moves a pickup out of 'issuing' (to completed, or open again after a failure).
void end_issuing(Connection& c, int64_t pickup_id, const std::string& state);

struct OfficerContact {
    std::string name, email, institution;
};
std::optional<OfficerContact> active_officer_contact(Connection& c, int64_t officer_id);

// The stored forms of an access PIN: a PBKDF2 hash, and the salted SHA-256
// verifier the database checks (inkan_try_pin).
struct PinRecord {
    std::string pbkdf2, salt, verifier;
};

// Supersedes the officer's unfinished pickups and opens a new one valid for
// `days`; returns its id and expiry ("YYYY-MM-DD HH:MM UTC").
std::pair<int64_t, std::string> open_pickup_row(Connection& c, int64_t officer_id, const std::string& token_hash,
                                                const PinRecord& pin, int64_t days);

// A key waiting for the certificate of application `application_id` (expired ones are dropped first).
void put_pending_key(Connection& c, int64_t application_id, int64_t officer_id, std::optional<int64_t> pickup_id,
                     const std::string& sealed_key, int64_t minutes);

struct PendingKey {
    int64_t application_id = 0, officer_id = 0;
    std::optional<int64_t> pickup_id;
    std::string sealed_key;
    std::string state;  // of the application: queued, issued, failed, cancelled
    std::optional<int64_t> certificate_id;
    std::string error;
    bool collected = false;  // inside the grace period after the first collection
};
// Unexpired, locked for this transaction.
std::optional<PendingKey> lock_pending_key(Connection& c, int64_t application_id);
void delete_pending_key(Connection& c, int64_t application_id);
// The first collection: the key expires two minutes later at the latest.
void mark_collected(Connection& c, int64_t application_id);

}  // namespace inkan::store

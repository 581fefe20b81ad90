// Repository of client and S/MIME credentials (sql/019): the PKCS#12 the
// signer made, sealed under the access PIN, the PIN files that hand the PINs
// to the subscriber, and the end users' links.  Each process sees only its
// part: the signer writes credentials, the mailer files them and mints links,
// and the web role reaches PINs and PKCS#12s only through the database's
// one-time functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

// --- the signer ---
// The officer's preset PIN for the application, removed as it is taken.
std::optional<std::string> take_preset_pin(Connection& c, int64_t application_id);

struct NewCredential {
    int64_t application_id = 0, certificate_id = 0;
    int download_method = 1;
    std::string file_name, pkcs12, pin, pin_salt, pin_verifier;
};
void insert_credential(Connection& c, const NewCredential& k);

// --- the mailer ---
struct CredentialToDeliver {
    int64_t application_id = 0;
    int download_method = 1;
    std::string end_user_name, end_user_email, subscriber_email, old_serial;
};
std::optional<CredentialToDeliver> credential_to_deliver(Connection& c, int64_t certificate_id);

struct FiledCredential {
    int64_t pin_file_id = 0;
    bool new_file = false;   // made now: its link (file_token) must be mailed
    std::string expires_at;  // "YYYY-MM-DD HH:MM UTC"
};
// Files the credential into the subscriber's open PIN file of its upload, or
// a new one valid `days` with `file_token_hash`; with `user_token_hash`, also
// the end user's link (same expiry).  sql/019's inkan_file_credential.
FiledCredential file_credential(Connection& c, int64_t application_id, const std::string& file_token_hash,
                                const std::optional<std::string>& user_token_hash, int64_t days);
// Destroys the PKCS#12s and PINs whose links expired; returns how many.
int64_t purge_expired_credentials(Connection& c);

// --- the web role, through sql/019's functions ---
struct PinFileState {
    int64_t id = 0, entries = 0, bulk_waiting = 0;
    bool fetched = false;
    std::string expires_at;
};
std::optional<PinFileState> pin_file_state(Connection& c, const std::string& token_hash);

struct PinEntry {
    int64_t certificate_id = 0;
    std::string end_user_name, end_user_email, pin, subject_dn, file_name;
    int download_method = 1;
};
// Empty when the link is unknown, expired or was used.
std::vector<PinEntry> fetch_pin_file(Connection& c, const std::string& token_hash);

struct CredentialState {
    int64_t certificate_id = 0;
    std::string state, subject_dn, serial, file_name, expires_at;
};
std::optional<CredentialState> credential_state(Connection& c, const std::string& token_hash);

struct Collected {
    std::string outcome;  // collected, wrong, locked, waiting, revoked, refused
    int64_t certificate_id = 0;
    std::string pkcs12, file_name;
    int tries_left = 0;
};
Collected collect_credential(Connection& c, const std::string& token_hash, const std::string& pin);

struct BulkItem {
    int64_t certificate_id = 0;
    std::string file_name, pkcs12;
};
std::vector<BulkItem> collect_bulk(Connection& c, const std::string& token_hash);

// Who hears of a collection (取得通知): the officer who applied and the subscriber.
struct CollectionFacts {
    std::string officer_email, subscriber_email, subject_dn, serial;
};
CollectionFacts collection_facts(Connection& c, int64_t certificate_id);

}  // namespace inkan::store

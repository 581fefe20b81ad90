// Repository of the ACME server's rows: replay nonces, accounts bound to
// officers' registrations, orders and their authorizations (sql/017).  The
// web role writes accounts and orders; registrations, bindings and
// applications go through SECURITY DEFINER functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store::acme {

// Consumes `used` (true when it was a live nonce) and stores `fresh` for the
// response, in one statement; expired nonces are swept on the way.
bool swap_nonce(Connection& c, const std::string& used, const std::string& fresh, int lifetime_seconds);
void add_nonce(Connection& c, const std::string& fresh, int lifetime_seconds);

struct Account {
    int64_t id = 0, registration_id = 0;
    std::string status;               // valid, deactivated, revoked
    std::string jwk, thumbprint;
    std::vector<std::string> contact;
    std::string registration_status;  // active, suspended
    std::vector<std::string> names;   // CN first
    std::string server_profile;       // 3 or 11
};

std::optional<Account> account_by_id(Connection& c, int64_t id);
std::optional<Account> account_by_thumbprint(Connection& c, const std::string& thumbprint);

struct Binding {
    std::string outcome;  // bound, unknown-kid, bad-mac, used, expired, suspended
    int64_t account_id = 0;
};
Binding bind_account(Connection& c, const std::string& kid, const std::string& alg, const std::string& signing_input,
                     const std::string& mac, const std::string& jwk, const std::string& thumbprint,
                     const std::vector<std::string>& contact);
void set_contact(Connection& c, int64_t account_id, const std::vector<std::string>& contact);
void deactivate_account(Connection& c, int64_t account_id);
void change_key(Connection& c, int64_t account_id, const std::string& jwk, const std::string& thumbprint);

struct Order {
    int64_t id = 0, account_id = 0;
    std::vector<std::string> names;
    std::string status;  // pending, ready, processing, valid, invalid (valid/invalid read from the application)
    std::string expires_at, error;
    std::optional<int64_t> certificate_id;
    std::vector<int64_t> authorizations;
};

// An order whose authorizations are valid at once, or, when the institution
// demands challenges, pending with one challenge of each type (inkan_acme_new_order).
int64_t create_order(Connection& c, int64_t account_id, const std::vector<std::string>& names, int lifetime_seconds,
                     const std::optional<std::string>& replaces, std::optional<int64_t> replaces_certificate_id);
std::optional<Order> order(Connection& c, int64_t order_id);
std::vector<int64_t> orders_of(Connection& c, int64_t account_id);
// Marks a ready order invalid with a reason (a CSR the RA refused).
void fail_order(Connection& c, int64_t order_id, const std::string& why);
// Queues the certificate for the signer (inkan_submit_acme); the order becomes processing.
int64_t submit_order(Connection& c, int64_t order_id, const std::string& csr_der);

struct Authorization {
    int64_t id = 0, order_id = 0, account_id = 0;
    std::string name, status, expires_at;
};
std::optional<Authorization> authorization(Connection& c, int64_t authz_id);

struct Challenge {
    int64_t id = 0, authorization_id = 0, account_id = 0;
    std::string type, token, status, error, validated_at;
};
std::optional<Challenge> challenge(Connection& c, int64_t challenge_id);
std::vector<Challenge> challenges_of(Connection& c, int64_t authz_id);
// Asks for validation (pending -> processing); the challenge's status afterwards.
std::string respond(Connection& c, int64_t challenge_id);
// Failed validations of the registration since midnight JST.
int64_t failures_today(Connection& c, int64_t registration_id);

// An ACME certificate with the registration it was issued under.
struct Issued {
    int64_t id = 0, registration_id = 0;
    std::string der, profile;
    bool revoked = false, revocation_pending = false;
    std::optional<int64_t> replaced_by;
};
std::optional<Issued> issued_by_id(Connection& c, int64_t certificate_id);
std::optional<Issued> issued_by_fingerprint(Connection& c, const std::string& sha256);
std::optional<Issued> issued_by_serial(Connection& c, const std::string& serial_hex);
// An order already names this certificate in `replaces`.
bool replacement_ordered(Connection& c, int64_t certificate_id);
int64_t submit_revocation(Connection& c, int64_t certificate_id, int64_t registration_id, int reason);

}  // namespace inkan::store::acme

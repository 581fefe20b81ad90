// Repository of officers' ACME registrations (UPKI ACME利用情報, sql/017):
// created, updated and suspended through SECURITY DEFINER functions, read
// for the officer API with their accounts and certificates.  The EAB's HMAC
// key goes in and never comes back out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct AcmeRegistrationRow {
    int64_t id = 0, officer_id = 0;
    std::string account_ref, subject_dn, server_profile, status;
    std::vector<std::string> names;  // CN first
    std::string subscriber_name, subscriber_affiliation, subscriber_email, server_software;
    std::string eab_kid, eab_expires_at, eab_bound_at;  // ISO 8601; bound "" while unused
    std::optional<int> suspend_reason;
    std::string suspend_comment, created_at, updated_at;
};

std::optional<AcmeRegistrationRow> acme_registration_by_ref(Connection& c, int64_t institution_id,
                                                            const std::string& account_ref);
std::optional<AcmeRegistrationRow> acme_registration_by_id(Connection& c, int64_t institution_id, int64_t id);
std::vector<AcmeRegistrationRow> acme_registrations(Connection& c, int64_t institution_id);

struct AcmeRegistrationInput {
    int64_t institution_id = 0, officer_id = 0, batch_id = 0;
    int line_no = 0;
    std::string subject_dn, server_profile;
    std::vector<std::string> names;
    std::string subscriber_name, subscriber_affiliation, subscriber_email, server_software;
};

struct NewEab {
    std::string kid, hmac_key;  // raw key bytes
};

int64_t register_acme(Connection& c, const AcmeRegistrationInput& in, const std::string& account_ref, const NewEab& eab,
                      int eab_days);
void update_acme(Connection& c, int64_t registration_id, const AcmeRegistrationInput& in, const NewEab& eab, int eab_days);
void suspend_acme(Connection& c, int64_t registration_id, int64_t officer_id, int reason, const std::string& comment);

struct AcmeAccountRow {
    int64_t id = 0;
    std::string status, created_at;
    std::vector<std::string> contact;
};
std::vector<AcmeAccountRow> acme_accounts_of(Connection& c, int64_t registration_id);

struct AcmeOrderRow {
    int64_t id = 0;
    std::vector<std::string> names;
    std::string status, error, created_at;
    std::optional<int64_t> certificate_id;
};
// The latest orders of a registration, failures included.
std::vector<AcmeOrderRow> acme_orders_of(Connection& c, int64_t registration_id, int limit);

}  // namespace inkan::store

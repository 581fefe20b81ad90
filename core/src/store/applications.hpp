// Repository of applications as the worker sees them: claimed one at a time
// (FOR UPDATE SKIP LOCKED, so workers never share a row), then marked issued,
// completed or failed inside the claiming transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "authz/kinds.hpp"
#include "store/pg.hpp"

namespace inkan::store {

// A queued issue or renewal of any kind, with what building its certificate needs.
struct QueuedIssuance {
    int64_t id = 0, institution_id = 0, officer_id = 0;
    std::optional<authz::Kind> kind;  // empty: a kind this build does not know
    std::string operation;            // issue or renew
    std::string profile;              // empty for officer certificates
    std::string subject_dn;           // UPKI order (CN first), as in the TSV
    std::string csr_der, public_key_der;
    std::string subscriber_email;
    std::vector<std::string> dns_names;  // CN first
    std::optional<int64_t> old_certificate_id;
    std::optional<int64_t> pickup_id;  // officer certificates: the pickup claimed with the PIN
    std::optional<int64_t> acme_registration_id;  // ACME certificates: the officer's registration
    std::optional<int64_t> acme_order_id;         // ... and the order it was finalized from
    std::string created_at;
    // Client and S/MIME certificates: the end user, the PKCS#12's file name and how it is handed out.
    std::string end_user_email, pkcs12_name;
    int download_method = 1;
    // The institution's subject attributes and the officer's name.
    std::string institution_o, institution_st, institution_l, officer_name;
    std::string organization_identifier;  // the institution's, for S/MIME subjects ("" when none is registered)
};

// Up to `limit` queued issues and renewals, locked for this transaction:
// interactive work first (an officer waits on the pickup page), then by age.
std::vector<QueuedIssuance> claim_issuances(Connection& c, int limit);

struct QueuedRevocation {
    int64_t id = 0, institution_id = 0, officer_id = 0, certificate_id = 0, ca_id = 0;
    int reason = 0;
    std::string serial;
    std::string kind;  // of the application: server (an officer's), acme (an ACME client's)
    std::optional<int64_t> acme_registration_id;  // an ACME client's: the registration it acted for
};

// Up to `limit` queued revocations, oldest first, locked for this transaction.
std::vector<QueuedRevocation> claim_revocations(Connection& c, int limit);

void mark_completed(Connection& c, int64_t application_id, int64_t certificate_id);
void mark_failed(Connection& c, int64_t application_id, const std::string& why);

}  // namespace inkan::store

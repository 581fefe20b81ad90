// Repository of certificates as the signer records them.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct NewCertificate {
    // Both absent only for inkan's own mail-signing certificate (sql/019).
    std::optional<int64_t> application_id;
    int64_t ca_id = 0;
    std::optional<int64_t> institution_id;
    std::optional<int64_t> officer_id;  // officer certificates only
    std::string kind, profile, serial, subject_dn;
    std::time_t not_before = 0, not_after = 0;
    std::string fingerprint_sha256, der;
};

int64_t insert_certificate(Connection& c, const NewCertificate& cert);
// Sets the revocation once; a certificate already revoked keeps its first date and reason.
void mark_revoked(Connection& c, int64_t certificate_id, int reason);
// The service desk revokes inkan's own mail-signing certificate (the signer
// re-signs the CRL, which is then older than the revocation); returns its id.
std::optional<int64_t> revoke_mail_signer(Connection& c, const std::string& serial, int reason);

// An old certificate still valid `days` after its renewal, whose officer
// has not been reminded to revoke it; locked for this transaction.
struct DueReminder {
    int64_t old_certificate_id = 0;
    std::string subject_dn, old_serial, new_serial, officer_email;
};

std::vector<DueReminder> claim_due_renewal_reminders(Connection& c, int64_t days);
void mark_reminded(Connection& c, int64_t certificate_id);

}  // namespace inkan::store

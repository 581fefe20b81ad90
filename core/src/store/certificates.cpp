#include "store/certificates.hpp"

namespace inkan::store {

int64_t insert_certificate(Connection& c, const NewCertificate& cert) {
    auto row = c.query(
        "INSERT INTO certificates (application_id, ca_id, kind, profile, serial, subject_dn, not_before, not_after, "
        "fingerprint_sha256, der, institution_id, officer_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7), to_timestamp($8), $9, $10, $11, $12) RETURNING id",
        cert.application_id, cert.ca_id, cert.kind, cert.profile, cert.serial, cert.subject_dn,
        static_cast<int64_t>(cert.not_before), static_cast<int64_t>(cert.not_after), Bytes{cert.fingerprint_sha256},
        Bytes{cert.der}, cert.institution_id, cert.officer_id);
    return row.integer(0, 0);
}

void mark_revoked(Connection& c, int64_t certificate_id, int reason) {
    c.query("UPDATE certificates SET revoked_at = now(), revocation_reason = $2 WHERE id = $1 AND revoked_at IS NULL",
            certificate_id, reason);
}

std::optional<int64_t> revoke_mail_signer(Connection& c, const std::string& serial, int reason) {
    auto r = c.query("UPDATE certificates SET revoked_at = now(), revocation_reason = $2 "
                     "WHERE serial = $1 AND profile = 'mail-signer' AND revoked_at IS NULL RETURNING id",
                     serial, reason);
    if (r.empty()) return std::nullopt;
    return r.integer(0, 0);
}

std::vector<DueReminder> claim_due_renewal_reminders(Connection& c, int64_t days) {
    auto r = c.query(
        "SELECT old.id, old.subject_dn, old.serial, new.serial, o.email FROM certificates old "
        "JOIN certificates new ON new.id = old.replaced_by JOIN applications a ON a.id = new.application_id "
        "JOIN officers o ON o.id = a.officer_id "
        "WHERE old.renewal_reminder_at IS NULL AND old.revoked_at IS NULL AND old.not_after > now() "
        "AND old.kind <> 'acme' "  // an ACME client replaces and stops using its own certificates
        "AND new.created_at <= now() - make_interval(days => $1::int) FOR UPDATE OF old SKIP LOCKED",
        days);
    std::vector<DueReminder> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)});
    }
    return out;
}

void mark_reminded(Connection& c, int64_t certificate_id) {
    c.query("UPDATE certificates SET renewal_reminder_at = now() WHERE id = $1", certificate_id);
}

}  // namespace inkan::store

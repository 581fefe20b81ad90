#include "worker/signer.hpp"

#include <ctime>

#include "audit/audit.hpp"
#include "ca/builder.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "util/error.hpp"
#include "worker/attempt.hpp"
#include "worker/authority.hpp"
#include "worker/reauthorize.hpp"

namespace inkan::worker {

namespace {
// The officer's public key must be one the RA generates: RSA >= 2048 bits.
void check_officer_key(EVP_PKEY* key) {
    if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < 2048) {
        throw InternalError("officer public key is not RSA-2048 or larger");
    }
}
}  // namespace

bool sign_next_officer(store::Connection& c, KeyStore& keys, const std::string& actor) {
    int64_t days = settings::get_int(c, "officer_cert_days");
    store::Transaction tx(c);
    auto app = c.query(
        "SELECT a.id, a.officer_id, a.institution_id, a.public_key, o.name, i.name_en, i.st, i.l, a.operation "
        "FROM applications a JOIN officers o ON o.id = a.officer_id JOIN institutions i ON i.id = a.institution_id "
        "WHERE a.state = 'queued' AND a.kind = 'officer' ORDER BY a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED");
    if (app.empty()) return false;
    int64_t id = app.integer(0, 0);
    attempt(c, id, actor, [&] {
        reauthorize_officer(c, app.integer(0, 2), app.integer(0, 1), app.text(0, 8));
        Authority ca = load_authority(c, keys, "officer");
        auto public_key = crypto::public_key_from_der(app.bytes(0, 3));
        check_officer_key(public_key.get());
        X509* issuer = ca.cert.get();
        std::time_t now = std::time(nullptr);
        ca::CertSpec spec;
        spec.subject = {{"C", "JP"}, {"ST", app.text(0, 6)}, {"L", app.text(0, 7)}, {"O", app.text(0, 5)},
                        {"CN", app.text(0, 4)}};
        spec.public_key = public_key.get();
        spec.not_before = now;
        spec.not_after = std::min<std::time_t>(now + days * 86400, crypto::not_after(issuer));
        spec.key_usage = "critical,digitalSignature";
        spec.extended_key_usage = "clientAuth";
        auto cert = ca::sign(spec, issuer, ca.key);

        auto row = c.query(
            "INSERT INTO certificates (application_id, ca_id, kind, serial, subject_dn, not_before, not_after, "
            "fingerprint_sha256, der, institution_id, officer_id) "
            "VALUES ($1, $2, 'officer', $3, $4, to_timestamp($5), to_timestamp($6), $7, $8, $9, $10) RETURNING id",
            id, ca.id, crypto::serial_hex(cert.get()), crypto::subject_text(cert.get()),
            static_cast<int64_t>(spec.not_before), static_cast<int64_t>(spec.not_after),
            store::Bytes{crypto::fingerprint_sha256(cert.get())}, store::Bytes{crypto::cert_to_der(cert.get())},
            app.integer(0, 2), app.integer(0, 1));
        c.query("UPDATE applications SET state = 'issued', certificate_id = $2, updated_at = now() WHERE id = $1", id,
                row.integer(0, 0));
        audit::append(c, actor, "certificate.issued", "certificate:" + row.text(0, 0),
                      {{"kind", "officer"}, {"serial", crypto::serial_hex(cert.get())}, {"application_id", id}});
    });
    tx.commit();
    return true;
}

}  // namespace inkan::worker

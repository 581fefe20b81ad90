#include "worker/status.hpp"

#include <cstdio>
#include <ctime>

#include "store/audit.hpp"

#include "ca/revocation.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "worker/authority.hpp"

namespace inkan::worker {

void publish_ocsp(store::Connection& c, KeyStore& keys, int64_t certificate_id) {
    // The row lock orders this after a concurrent revocation, so a refresh
    // that started earlier cannot overwrite "revoked" with "good".
    auto r = c.query("SELECT der, ca_id, serial, revoked_at IS NOT NULL, coalesce(extract(epoch FROM revoked_at)::bigint, 0), "
                     "coalesce(revocation_reason, 0) FROM certificates WHERE id = $1 FOR UPDATE",
                     certificate_id);
    auto cert = crypto::cert_from_der(r.bytes(0, 0));
    Authority ca = load_authority_by_id(c, keys, r.integer(0, 1));
    std::time_t now = std::time(nullptr);
    std::time_t next = now + settings::get_int(c, "ocsp_hours") * 3600;
    ca::OcspStatus status{r.boolean(0, 3), static_cast<std::time_t>(r.integer(0, 4)), static_cast<int>(r.integer(0, 5))};
    std::string sha1 = ca::sign_ocsp(cert.get(), ca.cert.get(), ca.key, EVP_sha1(), status, now, next);
    std::string sha256 = ca::sign_ocsp(cert.get(), ca.cert.get(), ca.key, EVP_sha256(), status, now, next);
    c.query("INSERT INTO ocsp_responses (certificate_id, ca_id, serial, this_update, next_update, der, der_sha256) "
            "VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($5), $6, $7) ON CONFLICT (certificate_id) DO UPDATE SET "
            "this_update = EXCLUDED.this_update, next_update = EXCLUDED.next_update, der = EXCLUDED.der, "
            "der_sha256 = EXCLUDED.der_sha256",
            certificate_id, ca.id, r.text(0, 2), static_cast<int64_t>(now), static_cast<int64_t>(next),
            store::Bytes{sha1}, store::Bytes{sha256});
}

void publish_crl(store::Connection& c, KeyStore& keys, int64_t ca_id) {
    // One CRL signer per CA at a time; the list below is read after the lock,
    // so a newer CRL number never lists fewer revocations.
    c.query("SELECT pg_advisory_xact_lock(2, $1::int)", ca_id);
    Authority ca = load_authority_by_id(c, keys, ca_id);
    // Revoked and not yet expired: expired certificates may leave the CRL.
    auto rows = c.query("SELECT serial, extract(epoch FROM revoked_at)::bigint, coalesce(revocation_reason, 0) "
                        "FROM certificates WHERE ca_id = $1 AND revoked_at IS NOT NULL AND not_after > now() ORDER BY id",
                        ca_id);
    std::vector<ca::RevokedEntry> revoked;
    for (int i = 0; i < rows.rows(); ++i) {
        revoked.push_back({rows.text(i, 0), static_cast<std::time_t>(rows.integer(i, 1)), static_cast<int>(rows.integer(i, 2))});
    }
    int64_t number = c.query("SELECT coalesce(max(number), 0) + 1 FROM crls WHERE ca_id = $1", ca_id).integer(0, 0);
    std::time_t now = std::time(nullptr);
    std::time_t next = now + settings::get_int(c, "crl_hours") * 3600;
    std::string der = ca::sign_crl(ca.cert.get(), ca.key, number, now, next, revoked);
    c.query("INSERT INTO crls (ca_id, number, this_update, next_update, der) VALUES ($1, $2, to_timestamp($3), "
            "to_timestamp($4), $5)",
            ca_id, number, static_cast<int64_t>(now), static_cast<int64_t>(next), store::Bytes{der});
}

int refresh_status(store::Connection& c, KeyStore& keys, const std::string& actor) {
    int done = 0;
    // Each document in its own transaction: one that cannot be signed (say, a
    // missing key) is logged and audited but does not hold up the others.
    auto publish = [&](const char* what, int64_t id, auto&& sign) {
        try {
            store::Transaction tx(c);
            sign(id);
            tx.commit();
            done++;
        } catch (const store::Unavailable&) {
            throw;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "inkan-worker: cannot refresh %s %lld: %s\n", what, static_cast<long long>(id), e.what());
            audit::append(c, actor, "status.refresh_failed", std::string(what) + ":" + std::to_string(id), {{"error", e.what()}});
        }
    };
    // Every CA, the root included, that is active or still has valid
    // certificates, whose newest CRL is past half its life or missing.
    auto cas = c.query("SELECT ca.id FROM cas ca "
                       "WHERE (ca.active OR EXISTS (SELECT 1 FROM certificates ce WHERE ce.ca_id = ca.id AND ce.not_after > now())) "
                       "AND NOT EXISTS (SELECT 1 FROM crls WHERE crls.ca_id = ca.id "
                       "AND now() < this_update + (next_update - this_update) / 2)");
    for (int i = 0; i < cas.rows(); ++i) publish("crl of ca", cas.integer(i, 0), [&](int64_t id) { publish_crl(c, keys, id); });
    auto due = c.query("SELECT o.certificate_id FROM ocsp_responses o JOIN certificates ce ON ce.id = o.certificate_id "
                       "WHERE ce.not_after > now() AND (o.der_sha256 IS NULL "
                       "OR now() >= o.this_update + (o.next_update - o.this_update) / 2) "
                       "LIMIT 100");
    for (int i = 0; i < due.rows(); ++i) {
        publish("ocsp of certificate", due.integer(i, 0), [&](int64_t id) { publish_ocsp(c, keys, id); });
    }
    return done;
}

}  // namespace inkan::worker

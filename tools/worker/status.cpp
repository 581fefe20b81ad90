#include "worker/status.hpp"

#include <ctime>

#include "ca/revocation.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/status_documents.hpp"
#include "util/log.hpp"
#include "worker/authority.hpp"

namespace inkan::worker {

namespace {
// Both responses (one SingleResponse each, as clients expect: for SHA-1 and
// for SHA-256 CertIDs), signed now.
store::FirstOcsp sign_now(Round& round, X509* cert, const Authority& ca, const ca::OcspStatus& status) {
    std::time_t now = std::time(nullptr);
    std::time_t next = now + round.ocsp_hours() * 3600;
    return {now, next, ca::sign_ocsp(cert, ca.cert.get(), ca.key, EVP_sha1(), status, now, next),
            ca::sign_ocsp(cert, ca.cert.get(), ca.key, EVP_sha256(), status, now, next)};
}
}  // namespace

void publish_ocsp(store::Connection& c, Round& round, int64_t certificate_id) {
    // The row lock orders this after a concurrent revocation, so a refresh
    // that started earlier cannot overwrite "revoked" with "good".
    auto facts = store::lock_certificate_status(c, certificate_id);
    auto cert = crypto::cert_from_der(facts.der);
    const Authority& ca = round.authority_by_id(facts.ca_id);
    auto signed_now = sign_now(round, cert.get(), ca, {facts.revoked, facts.revoked_at, facts.reason});
    store::put_ocsp_responses(c, certificate_id, ca.id, crypto::serial_hex(cert.get()), signed_now.this_update,
                              signed_now.next_update, signed_now.sha1_certid_der, signed_now.sha256_certid_der);
}

store::FirstOcsp sign_first_ocsp(Round& round, X509* cert, const Authority& ca) {
    return sign_now(round, cert, ca, {false, 0, 0});
}

void publish_crl(store::Connection& c, Round& round, int64_t ca_id) {
    // One CRL signer per CA at a time; the list below is read after the lock,
    // so a newer CRL number never lists fewer revocations.
    store::lock_crl_signing(c, ca_id);
    const Authority& ca = round.authority_by_id(ca_id);
    std::vector<ca::RevokedEntry> revoked;
    for (const auto& row : store::revoked_unexpired(c, ca_id)) revoked.push_back({row.serial, row.revoked_at, row.reason});
    int64_t number = store::next_crl_number(c, ca_id);
    std::time_t now = std::time(nullptr);
    std::time_t next = now + settings::get_int(c, "crl_hours") * 3600;
    std::string der = ca::sign_crl(ca.cert.get(), ca.key, number, now, next, revoked);
    store::put_crl(c, ca_id, number, now, next, der);
}

int refresh_status(store::Connection& c, KeyStore& keys, const std::string& actor) {
    int done = 0;
    Round round(c, keys);
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
            log::error(std::string("cannot refresh ") + what + " " + std::to_string(id) + ": " + e.what());
            audit::append(c, actor, "status.refresh_failed", std::string(what) + ":" + std::to_string(id), {{"error", e.what()}});
        }
    };
    // Every CA, the root included, that is active or still has valid
    // certificates, whose newest CRL is past half its life or missing.
    for (int64_t ca_id : store::cas_due_for_crl(c)) {
        publish("crl of ca", ca_id, [&](int64_t id) { publish_crl(c, round, id); });
    }
    for (int64_t certificate_id : store::certificates_due_for_ocsp(c, 100)) {
        publish("ocsp of certificate", certificate_id, [&](int64_t id) { publish_ocsp(c, round, id); });
    }
    return done;
}

}  // namespace inkan::worker

#include "worker/pipeline.hpp"

#include "crypto/x509.hpp"
#include "store/audit.hpp"
#include "store/certificates.hpp"
#include "store/deliveries.hpp"
#include "store/profiles.hpp"
#include "util/error.hpp"
#include "worker/attempt.hpp"
#include "worker/authority.hpp"
#include "worker/certificate_spec.hpp"
#include "worker/credentials.hpp"
#include "ca/lint_and_sign.hpp"
#include "worker/reauthorize.hpp"
#include "worker/status.hpp"

namespace inkan::worker {

namespace {
// Officer applications name no profile: they use the one officer profile.
const profile::Profile* profile_for(const profile::Catalog& catalog, const store::QueuedIssuance& a) {
    if (!a.profile.empty()) return catalog.find(a.profile);
    if (a.kind != authz::Kind::officer) return nullptr;
    auto officer = catalog.issuable(authz::Kind::officer);
    return officer.empty() ? nullptr : officer.front();
}

// The key a request carries, as its SubjectPublicKeyInfo (which the
// certificate copies as it is) with the key decoded from it (for the checks).
struct RequestedKey {
    crypto::X509ReqPtr csr;
    std::unique_ptr<X509_PUBKEY, crypto::Free<X509_PUBKEY_free>> stored;
    X509_PUBKEY* spki = nullptr;
    EVP_PKEY* key = nullptr;
};

RequestedKey requested_key(const store::QueuedIssuance& a) {
    RequestedKey r;
    if (!a.public_key_der.empty()) {
        auto p = reinterpret_cast<const unsigned char*>(a.public_key_der.data());
        r.stored.reset(d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(a.public_key_der.size())));
        r.spki = r.stored.get();
    } else {
        auto p = reinterpret_cast<const unsigned char*>(a.csr_der.data());
        r.csr.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(a.csr_der.size())));
        if (!r.csr) throw InternalError("stored CSR does not parse");
        r.spki = X509_REQ_get_X509_PUBKEY(r.csr.get());
    }
    r.key = r.spki ? X509_PUBKEY_get0(r.spki) : nullptr;
    if (!r.key) throw InternalError("the stored request has no readable key");
    return r;
}

void issue(store::Connection& c, Round& round, const store::QueuedIssuance& a, const std::string& actor) {
    const profile::Profile* p = profile_for(round.catalog(), a);
    reauthorize_issue(c, round, a, p);
    // A person's key pair is made here and leaves only inside the PIN-sealed PKCS#12.
    crypto::PKey made_here = keys_made_here(*p) ? generate_key(*p) : crypto::PKey();
    RequestedKey requested = made_here ? RequestedKey() : requested_key(a);
    EVP_PKEY* public_key = made_here ? made_here.get() : requested.key;
    if (!profile::accepts_key(*p, public_key)) throw InternalError("the key is not one profile " + p->id + " accepts");
    const Authority& ca = round.authority(p->issuing_ca);
    const IssuanceSettings& s = round.settings(*p);
    auto spec = certificate_spec(*p, s, a, public_key, ca.id, crypto::not_after(ca.cert.get()));
    spec.request_spki = requested.spki;
    ca::LintExpectations expect{*p, !s.crl_url.empty(), !s.ocsp_url.empty(), s.policy_oids, s.rsa_key_encipherment,
                                spec.emails, requested.spki};
    auto cert = ca::lint_and_sign(spec, expect, ca.cert.get(), ca.key);
    std::string serial = crypto::serial_hex(cert.get());
    std::string kind(authz::to_string(p->kind));

    store::NewCertificate row{a.id, ca.id, a.institution_id, std::nullopt, kind, p->id, serial,
                              a.kind == authz::Kind::officer ? crypto::subject_text(cert.get()) : a.subject_dn,
                              spec.not_before, spec.not_after, crypto::fingerprint_sha256(cert.get()),
                              crypto::cert_to_der(cert.get())};
    if (a.kind == authz::Kind::officer) row.officer_id = a.officer_id;
    int64_t cert_id = store::insert_certificate(c, row);
    if (a.old_certificate_id) store::mark_replaced(c, *a.old_certificate_id, cert_id);
    store::mark_issued(c, a.id, cert_id);
    if (made_here) store_credential(c, a, cert_id, made_here.get(), cert.get(), ca.cert.get(), s.legacy_pkcs12);
    store::hand_over(c, cert_id, a.id, store::DeliveryEvent::issued);
    if (profile::has_status_pointers(*p)) publish_new_ocsp(c, round, cert_id, cert.get(), ca.id);
    round.audit_later(actor, "certificate.issued", "certificate:" + std::to_string(cert_id),
                      {{"kind", kind}, {"serial", serial}, {"application_id", a.id}, {"subject", row.subject_dn},
                       {"profile", p->id}});
}

void revoke(store::Connection& c, Round& round, const store::QueuedRevocation& r, const std::string& actor) {
    reauthorize_revocation(c, round, r);
    store::mark_revoked(c, r.certificate_id, r.reason);
    store::mark_completed(c, r.id, r.certificate_id);
    publish_ocsp(c, round, r.certificate_id);
    publish_crl(c, round, r.ca_id);
    store::hand_over(c, r.certificate_id, r.id, store::DeliveryEvent::revoked);
    round.audit_later(actor, "certificate.revoked", "certificate:" + std::to_string(r.certificate_id),
                      {{"serial", r.serial}, {"reason", r.reason}, {"application_id", r.id}});
}

// Claims up to `batch` queued applications and works on each in the same
// transaction (each in its own savepoint); one COMMIT for them all.
// Returns how many were claimed.
template <class Claim, class Work>
int claim_and_attempt(store::Connection& c, KeyStore& keys, const std::string& actor, int batch, Claim claim, Work work) {
    store::Transaction tx(c);
    auto claimed = claim(c, batch);
    if (claimed.empty()) return 0;
    Round round(c, keys);
    for (const auto& application : claimed) {
        size_t mark = round.audits_pending();
        if (!attempt(c, application.id, actor, [&] { work(round, application); })) round.drop_audits_from(mark);
    }
    round.flush_audits();
    tx.commit();
    return static_cast<int>(claimed.size());
}

}  // namespace

int issue_batch(store::Connection& c, KeyStore& keys, const std::string& actor, int batch) {
    return claim_and_attempt(c, keys, actor, batch, store::claim_issuances,
                             [&](Round& round, const store::QueuedIssuance& a) { issue(c, round, a, actor); });
}

int revoke_batch(store::Connection& c, KeyStore& keys, const std::string& actor, int batch) {
    return claim_and_attempt(c, keys, actor, batch, store::claim_revocations,
                             [&](Round& round, const store::QueuedRevocation& r) { revoke(c, round, r, actor); });
}

}  // namespace inkan::worker

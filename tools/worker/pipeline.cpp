#include "worker/pipeline.hpp"

#include <span>
#include <vector>

#include "crypto/x509.hpp"
#include "store/audit.hpp"
#include "store/certificates.hpp"
#include "store/deliveries.hpp"
#include "store/issued.hpp"
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

// The key a request carries, as its SubjectPublicKeyInfo with the key decoded
// from it (for the checks).  The certificate copies the SPKI as it is only
// when its AlgorithmIdentifier is already in the form the BRs require
// (`copyable`); any other form is encoded afresh from the key.
struct RequestedKey {
    crypto::X509ReqPtr csr;
    std::unique_ptr<X509_PUBKEY, crypto::Free<X509_PUBKEY_free>> stored;
    X509_PUBKEY* spki = nullptr;
    EVP_PKEY* key = nullptr;
    const X509_PUBKEY* copyable() const { return crypto::spki_algorithm_is_canonical(spki) ? spki : nullptr; }
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

// A certificate signed in this batch, waiting to be recorded with the others.
struct Signed {
    const store::QueuedIssuance* application = nullptr;
    store::IssuedCertificate row;
    crypto::X509Ptr cert;
    crypto::PKey made_here;  // a person's key: sealed into its PKCS#12 once the row has its id
    X509* issuer = nullptr;
    bool legacy_pkcs12 = false;
};

// Everything up to the signatures, and nothing written: re-authorize, take
// or make the key, lint and sign the certificate and its first OCSP response.
Signed sign(store::Connection& c, Round& round, const store::QueuedIssuance& a) {
    const profile::Profile* p = profile_for(round.catalog(), a);
    reauthorize_issue(c, round, a, p);
    Signed out;
    out.application = &a;
    // A person's key pair is made here and leaves only inside the PIN-sealed PKCS#12.
    out.made_here = keys_made_here(*p) ? generate_key(*p) : crypto::PKey();
    RequestedKey requested = out.made_here ? RequestedKey() : requested_key(a);
    EVP_PKEY* public_key = out.made_here ? out.made_here.get() : requested.key;
    if (!profile::accepts_key(*p, public_key)) throw InternalError("the key is not one profile " + p->id + " accepts");
    const Authority& ca = round.authority(p->issuing_ca);
    const IssuanceSettings& s = round.settings(*p);
    auto spec = certificate_spec(*p, s, a, public_key, ca.id, crypto::not_after(ca.cert.get()));
    spec.request_spki = requested.copyable();
    ca::LintExpectations expect{*p, !s.crl_url.empty(), !s.ocsp_url.empty(), s.policy_oids, s.rsa_key_encipherment,
                                spec.emails, spec.request_spki};
    out.cert = ca::lint_and_sign(spec, expect, ca.cert.get(), ca.key);
    out.issuer = ca.cert.get();
    out.legacy_pkcs12 = s.legacy_pkcs12;

    store::NewCertificate& row = out.row.certificate;
    row = {a.id, ca.id, a.institution_id, std::nullopt, std::string(authz::to_string(p->kind)), p->id,
           crypto::serial_hex(out.cert.get()),
           a.kind == authz::Kind::officer ? crypto::subject_text(out.cert.get()) : a.subject_dn, spec.not_before,
           spec.not_after, crypto::fingerprint_sha256(out.cert.get()), crypto::cert_to_der(out.cert.get())};
    if (a.kind == authz::Kind::officer) row.officer_id = a.officer_id;
    out.row.replaces = a.old_certificate_id;
    if (profile::has_status_pointers(*p)) out.row.ocsp = sign_first_ocsp(round, out.cert.get(), ca);
    return out;
}

// Records the signed certificates in one statement, then seals the keys
// made here and queues the audit rows (which name the new ids).
void record(store::Connection& c, Round& round, std::span<const Signed> batch, const std::string& actor) {
    std::vector<store::IssuedCertificate> rows;
    for (const Signed& s : batch) rows.push_back(s.row);
    auto ids = store::record_issued(c, rows);
    for (size_t i = 0; i < batch.size(); ++i) {
        const Signed& s = batch[i];
        const store::NewCertificate& row = s.row.certificate;
        if (s.made_here) store_credential(c, *s.application, ids[i], s.made_here.get(), s.cert.get(), s.issuer, s.legacy_pkcs12);
        round.audit_later(actor, "certificate.issued", "certificate:" + std::to_string(ids[i]),
                          {{"kind", row.kind}, {"serial", row.serial}, {"application_id", s.application->id},
                           {"subject", row.subject_dn}, {"profile", row.profile}});
    }
}

// All at once; should that fail, one by one, each in its own savepoint, so
// that only an application whose rows cannot be written is marked failed.
void record_all(store::Connection& c, Round& round, const std::vector<Signed>& batch, const std::string& actor) {
    if (batch.empty()) return;
    size_t mark = round.audits_pending();
    c.exec("SAVEPOINT record");
    try {
        record(c, round, batch, actor);
        c.exec("RELEASE SAVEPOINT record");
        return;
    } catch (const store::QueryError& e) {
        if (transient(e)) throw;
    } catch (const store::Unavailable&) {
        throw;
    } catch (const std::exception&) {
    }
    c.exec("ROLLBACK TO SAVEPOINT record");
    round.drop_audits_from(mark);
    for (const Signed& s : batch) {
        size_t one = round.audits_pending();
        if (!attempt(c, s.application->id, actor, [&] { record(c, round, std::span(&s, 1), actor); })) {
            round.drop_audits_from(one);
        }
    }
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

// One transaction for up to `batch` claimed applications: `work` gets the
// round and the claimed rows; the batch's audit rows go in just before the
// one COMMIT.  Returns how many were claimed.
template <class Claim, class Work>
int in_one_transaction(store::Connection& c, KeyStore& keys, int batch, Claim claim, Work work) {
    store::Transaction tx(c);
    auto claimed = claim(c, batch);
    if (claimed.empty()) return 0;
    Round round(c, keys);
    work(round, claimed);
    round.flush_audits();
    tx.commit();
    return static_cast<int>(claimed.size());
}

int issue_batch_with(store::Connection& c, KeyStore& keys, const std::string& actor, int batch, Isolation signing) {
    return in_one_transaction(c, keys, batch, store::claim_issuances, [&](Round& round, const auto& claimed) {
        std::vector<Signed> signed_ones;
        for (const auto& application : claimed) {
            attempt(c, application.id, actor, [&] { signed_ones.push_back(sign(c, round, application)); }, signing);
        }
        record_all(c, round, signed_ones, actor);
    });
}
}  // namespace

// Signing only reads, so it runs without a savepoint per application; a
// database error there aborts the transaction, and the batch is redone with
// savepoints so that it fails only its own application.
int issue_batch(store::Connection& c, KeyStore& keys, const std::string& actor, int batch) {
    try {
        return issue_batch_with(c, keys, actor, batch, Isolation::none);
    } catch (const NeedsSavepoint&) {
        return issue_batch_with(c, keys, actor, batch, Isolation::savepoint);
    }
}

// Each revocation in its own savepoint: it writes as it goes.
int revoke_batch(store::Connection& c, KeyStore& keys, const std::string& actor, int batch) {
    return in_one_transaction(c, keys, batch, store::claim_revocations, [&](Round& round, const auto& claimed) {
        for (const auto& r : claimed) {
            size_t mark = round.audits_pending();
            if (!attempt(c, r.id, actor, [&] { revoke(c, round, r, actor); })) round.drop_audits_from(mark);
        }
    });
}

}  // namespace inkan::worker

#include "enroll/issuance.hpp"

#include <openssl/crypto.h>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/seal.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/pickups.hpp"
#include "store/submissions.hpp"
#include "util/codes.hpp"

namespace inkan::enroll {

namespace {
// The sealed key is bound to its application.
std::string seal_context(int64_t application_id) { return "inkan pending key, application " + std::to_string(application_id); }

// Wipes a private key's PEM however the scope is left.
struct CleansedOnExit {
    std::string& text;
    ~CleansedOnExit() { OPENSSL_cleanse(text.data(), text.size()); }
};

Error nothing_to_collect() {
    return Error(codes::kNothingToCollect,
                 {"受け取る証明書がありません (受け取り済みか、期限切れか、このブラウザのものではありません)。",
                  "There is no certificate to collect (it was collected, the request expired, or it is not this "
                  "browser's)."},
                 404);
}

Collected package(const std::string& pem, const store::Chained& issued) {
    auto key = crypto::key_from_pem(pem);
    std::vector<X509*> chain;
    for (const auto& ca : issued.issuers) chain.push_back(ca.get());
    Collected out;
    out.password = crypto::random_readable(16);
    out.pkcs12 = crypto::pkcs12(key.get(), issued.cert.get(), chain, out.password, "inkan officer");
    out.serial = crypto::serial_hex(issued.cert.get());
    out.subject = crypto::subject_text(issued.cert.get());
    out.not_after = crypto::not_after(issued.cert.get());
    return out;
}
}  // namespace

Queued queue_officer_certificate(store::Connection& c, int64_t officer_id, int64_t institution_id,
                                 std::optional<int64_t> pickup_id) {
    auto key = crypto::generate_rsa(2048);
    std::string sealing_key = crypto::random_bytes(crypto::kSealKeyBytes);
    int64_t minutes = settings::get_int(c, "collect_minutes");
    std::string pem = crypto::key_to_pem(key.get());
    CleansedOnExit wipe{pem};
    std::string spki = crypto::public_key_der(key.get());
    store::Transaction tx(c);
    int64_t id = pickup_id ? store::submit_officer_pickup(c, institution_id, officer_id, *pickup_id, spki)
                           : store::submit_officer_renewal(c, institution_id, officer_id, spki);
    store::put_pending_key(c, id, officer_id, pickup_id, crypto::seal(sealing_key, pem, seal_context(id)), minutes);
    tx.commit();
    return {id, crypto::base64url(sealing_key), minutes};
}

std::optional<Collected> collect_officer_certificate(store::Connection& c, int64_t application_id,
                                                     const std::string& resume, const std::string& actor) {
    std::string sealing_key;
    try {
        sealing_key = crypto::unbase64url(resume);
    } catch (const InternalError&) {
        throw nothing_to_collect();
    }
    store::Transaction tx(c);
    auto pending = store::lock_pending_key(c, application_id);
    if (!pending) throw nothing_to_collect();
    auto pem = crypto::unseal(sealing_key, pending->sealed_key, seal_context(application_id));
    if (!pem) throw nothing_to_collect();
    CleansedOnExit wipe{*pem};
    if (pending->state == "queued") return std::nullopt;
    if (pending->state != "issued" || !pending->certificate_id) {
        store::delete_pending_key(c, application_id);
        if (pending->pickup_id) store::end_issuing(c, *pending->pickup_id, "open");
        tx.commit();
        throw Error(codes::kNotIssued,
                    {"証明書を発行できませんでした。もう一度お試しいただくか、サービス窓口に連絡してください。",
                     "The certificate could not be issued. Please try again, or contact the service desk."},
                    503);
    }
    // Built before anything is marked, so a failure here loses nothing.
    Collected out = package(*pem, store::load_with_issuers(c, *pending->certificate_id));
    if (!pending->collected) {
        store::mark_collected(c, application_id);
        if (pending->pickup_id) {
            store::end_issuing(c, *pending->pickup_id, "completed");
            audit::append(c, actor, "officer.certificate_picked_up", "officer_pickup:" + std::to_string(*pending->pickup_id),
                          {{"serial", out.serial}});
        }
    }
    tx.commit();
    return out;
}

}  // namespace inkan::enroll

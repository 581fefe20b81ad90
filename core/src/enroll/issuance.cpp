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

Error nothing_to_collect() {
    return Error(codes::kNothingToCollect,
                 {"受け取る証明書がありません (受け取り済みか、期限切れです)。",
                  "There is no certificate to collect (it was collected already, or the request expired)."},
                 404);
}

Error wrong_resume() {
    return Error(codes::kLinkDenied, {"指定されたURLへのアクセスは拒否されました。", "Access to this URL was denied."}, 403);
}

std::string decode_resume(const std::string& resume) {
    try {
        return crypto::unbase64url(resume);
    } catch (const InternalError&) {
        throw wrong_resume();
    }
}
}  // namespace

Queued queue_officer_certificate(store::Connection& c, int64_t officer_id, int64_t institution_id,
                                 std::optional<int64_t> pickup_id, const std::string& operation) {
    auto key = crypto::generate_rsa(2048);
    std::string sealing_key = crypto::random_bytes(crypto::kSealKeyBytes);
    int64_t minutes = settings::get_int(c, "collect_minutes");
    std::string pem = crypto::key_to_pem(key.get());
    store::Transaction tx(c);
    int64_t id = store::submit_officer(c, operation, institution_id, officer_id, crypto::public_key_der(key.get()));
    store::put_pending_key(c, id, officer_id, pickup_id, crypto::seal(sealing_key, pem, seal_context(id)), minutes);
    tx.commit();
    OPENSSL_cleanse(pem.data(), pem.size());
    return {id, crypto::base64url(sealing_key), minutes};
}

std::optional<Collected> collect_officer_certificate(store::Connection& c, int64_t application_id,
                                                     const std::string& resume, const std::string& actor) {
    std::string sealing_key = decode_resume(resume);
    store::Transaction tx(c);
    auto pending = store::lock_pending_key(c, application_id);
    if (!pending) throw nothing_to_collect();
    // Only the holder of the sealing key learns anything about the request.
    auto pem = crypto::unseal(sealing_key, pending->sealed_key, seal_context(application_id));
    if (!pem) throw wrong_resume();
    if (pending->state == "queued") {
        OPENSSL_cleanse(pem->data(), pem->size());
        return std::nullopt;
    }
    store::delete_pending_key(c, application_id);
    if (pending->state != "issued" || !pending->certificate_id) {
        if (pending->pickup_id) store::end_issuing(c, *pending->pickup_id, "open");
        tx.commit();
        OPENSSL_cleanse(pem->data(), pem->size());
        throw Error(codes::kNotIssued,
                    {"証明書を発行できませんでした。もう一度お試しいただくか、サービス窓口に連絡してください。",
                     "The certificate could not be issued. Please try again, or contact the service desk."},
                    503);
    }
    Collected out{crypto::key_from_pem(*pem), store::load_with_issuers(c, *pending->certificate_id)};
    OPENSSL_cleanse(pem->data(), pem->size());
    if (pending->pickup_id) {
        store::end_issuing(c, *pending->pickup_id, "completed");
        audit::append(c, actor, "officer.certificate_picked_up", "officer_pickup:" + std::to_string(*pending->pickup_id),
                      {{"serial", crypto::serial_hex(out.issued.cert.get())}});
    }
    tx.commit();
    return out;
}

}  // namespace inkan::enroll

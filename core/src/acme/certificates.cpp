// Certificate download (RFC 8555 §7.4.2) and revocation (§7.6).  The chain
// stops below the root; the alternate chain includes it.  Revocation is
// queued for the signer like an officer's and answered at once.
#include <nlohmann/json.hpp>

#include "acme/handlers.hpp"
#include "acme/problem.hpp"
#include "crypto/x509.hpp"
#include "store/chains.hpp"

namespace inkan::acme {

namespace {
store::acme::Issued own_certificate(const Context& ctx) {
    auto issued = store::acme::issued_by_id(ctx.c, ctx.id);
    if (!issued || issued->registration_id != ctx.acct().registration_id) {
        throw Problem("malformed", "no such certificate of this account", "このアカウントの証明書はありません。", 404);
    }
    return *issued;
}

http::Response chain(Context& ctx, bool with_root) {
    require_post_as_get(ctx);
    own_certificate(ctx);
    auto chained = store::load_with_issuers(ctx.c, ctx.id);
    if (!with_root && !chained.issuers.empty()) chained.issuers.pop_back();
    std::string pem = crypto::cert_to_pem(chained.cert.get());
    for (const auto& issuer : chained.issuers) pem += crypto::cert_to_pem(issuer.get());
    std::string primary = ctx.url("cert", ctx.id);
    return {200,
            {{"Content-Type", "application/pem-certificate-chain"},
             {"Cache-Control", "no-store"},
             {"Link", "<" + (with_root ? primary : primary + "/with-root") + ">;rel=\"alternate\""}},
            pem};
}

// The reasons the BRs let a subscriber give (RFC 5280 codes).
bool subscriber_reason(int reason) { return reason == 0 || reason == 1 || reason == 3 || reason == 4 || reason == 5; }
}  // namespace

http::Response certificate_chain(Context& ctx) { return chain(ctx, false); }
http::Response certificate_chain_with_root(Context& ctx) { return chain(ctx, true); }

http::Response revoke_certificate(Context& ctx) {
    auto payload = payload_object(ctx.jws, "revokeCert");
    if (!payload.contains("certificate") || !payload["certificate"].is_string()) {
        throw malformed("revokeCert needs certificate", "revokeCert には certificate が必要です。");
    }
    std::string der = b64url_decode(payload["certificate"].get<std::string>(), "certificate");
    int reason = 0;
    if (payload.contains("reason")) {
        // Read wide: a huge number must not wrap around into an accepted one
        // (an unsigned one beyond INT64_MAX reads negative).
        const auto& value = payload["reason"];
        int64_t wide = value.is_number_integer() ? value.get<int64_t>() : -1;
        if (wide < 0 || wide > 5 || !subscriber_reason(static_cast<int>(wide))) {
            throw Problem("badRevocationReason", "the reason must be 0, 1, 3, 4 or 5", "失効理由は 0, 1, 3, 4, 5 のいずれかです。");
        }
        reason = static_cast<int>(wide);
    }
    crypto::X509Ptr cert;
    try {
        cert = crypto::cert_from_der(der);
    } catch (const InternalError&) {
        throw malformed("the certificate is not DER", "certificate が DER の証明書ではありません。");
    }
    auto issued = store::acme::issued_by_fingerprint(ctx.c, crypto::fingerprint_sha256(cert.get()));
    if (!issued) throw Problem("malformed", "this server did not issue that ACME certificate", "この ACME 証明書はここで発行されていません。", 404);
    if (ctx.account) {
        if (ctx.acct().registration_id != issued->registration_id) {
            throw unauthorized("the certificate is not one of this account's registration", "この証明書はアカウントの登録のものではありません。");
        }
    } else if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), ctx.jws.jwk->key.get()) != 1) {
        crypto::drain_errors();
        throw unauthorized("the request is signed neither by an account nor by the certificate's key",
                           "リクエストがアカウントでも証明書の鍵でも署名されていません。");
    }
    if (issued->revoked || issued->revocation_pending) {
        throw Problem("alreadyRevoked", "the certificate is revoked already", "証明書は既に失効しています。");
    }
    or_problem("P0002", Problem("alreadyRevoked", "the certificate is revoked already", "証明書は既に失効しています。"),
               [&] { return store::acme::submit_revocation(ctx.c, issued->id, issued->registration_id, reason); });
    return {200, {{"Cache-Control", "no-store"}}, ""};
}

}  // namespace inkan::acme

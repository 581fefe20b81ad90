#include "worker/lint_and_sign.hpp"

#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
// A key of the CA's type that signs nothing real: the to-be-signed
// certificate is linted after a signature with it, then signed for real.
EVP_PKEY* lint_key_like(EVP_PKEY* ca_key) {
    static crypto::PKey rsa = crypto::generate_rsa(2048), p384 = crypto::generate_ec("P-384"), p256 = crypto::generate_ec("P-256");
    if (EVP_PKEY_is_a(ca_key, "RSA")) return rsa.get();
    return EVP_PKEY_get_bits(ca_key) >= 384 ? p384.get() : p256.get();
}

// The TBSCertificate encoding (i2d_re_X509_tbs re-encodes, so it reflects any change).
std::string tbs_der(X509* cert) {
    int len = i2d_re_X509_tbs(cert, nullptr);
    crypto::check(len > 0, "i2d_re_X509_tbs");
    std::string out(static_cast<size_t>(len), '\0');
    auto p = reinterpret_cast<unsigned char*>(out.data());
    i2d_re_X509_tbs(cert, &p);
    return out;
}
}  // namespace

crypto::X509Ptr lint_and_sign(const ca::CertSpec& spec, const ca::LintExpectations& expect, X509* issuer, EVP_PKEY* ca_key) {
    auto cert = ca::build(spec, issuer);
    crypto::check(X509_sign(cert.get(), lint_key_like(ca_key), ca::digest_for(ca_key)) > 0, "lint signature");
    auto findings = ca::lint_certificate(cert.get(), issuer, expect);
    if (!findings.empty()) {
        std::string all;
        for (const auto& f : findings) all += (all.empty() ? "" : "; ") + f;
        throw Error("425", {"発行前検査 (lint) に失敗しました: " + all, "Pre-issuance lint failed: " + all});
    }
    std::string linted = tbs_der(cert.get());
    crypto::check(X509_sign(cert.get(), ca_key, ca::digest_for(ca_key)) > 0, "X509_sign");
    if (tbs_der(cert.get()) != linted) throw InternalError("signed TBS differs from the linted TBS");
    return cert;
}

}  // namespace inkan::worker

#include "ca/lint_and_sign.hpp"

#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkan::ca {

namespace {
// Writes into the TBS the signature algorithm the CA key will sign with
// (as X509_sign will, with the same parameters), so that the lint reads the
// exact bytes that are then signed, without a signature to throw away.
void set_tbs_signature_algorithm(X509* cert, EVP_PKEY* ca_key) {
    int sig_nid = NID_undef;
    crypto::check(OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(ca::digest_for(ca_key)), EVP_PKEY_get_base_id(ca_key)) == 1,
                  "OBJ_find_sigid_by_algs");
    // RSA PKCS#1 v1.5 carries NULL parameters, ECDSA none (RFC 4055, RFC 5758).
    int params = EVP_PKEY_is_a(ca_key, "RSA") ? V_ASN1_NULL : V_ASN1_UNDEF;
    auto* alg = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(cert));
    crypto::check(X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid), params, nullptr) == 1, "X509_ALGOR_set0");
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

crypto::X509Ptr lint_and_sign(const CertSpec& spec, const LintExpectations& expect, X509* issuer, EVP_PKEY* ca_key) {
    auto cert = ca::build(spec, issuer);
    set_tbs_signature_algorithm(cert.get(), ca_key);
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

}  // namespace inkan::ca

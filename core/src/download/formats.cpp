#include "download/formats.hpp"

#include <openssl/pkcs7.h>

#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkan::download {

namespace {
std::string pkcs7_certs(X509* cert, const std::vector<crypto::X509Ptr>& chain) {
    std::unique_ptr<PKCS7, crypto::Free<PKCS7_free>> p7(crypto::check_ptr(PKCS7_new(), "PKCS7_new"));
    crypto::check(PKCS7_set_type(p7.get(), NID_pkcs7_signed) == 1 && PKCS7_content_new(p7.get(), NID_pkcs7_data) == 1,
                  "PKCS7 certs-only");
    crypto::check(PKCS7_add_certificate(p7.get(), cert) == 1, "PKCS7_add_certificate");
    for (const auto& c : chain) crypto::check(PKCS7_add_certificate(p7.get(), c.get()) == 1, "PKCS7_add_certificate");
    return crypto::to_der(i2d_PKCS7, static_cast<const PKCS7*>(p7.get()));
}
}  // namespace

File render(const std::string& format, X509* cert, const std::vector<crypto::X509Ptr>& chain) {
    std::string chain_pem;
    for (const auto& c : chain) chain_pem += crypto::cert_to_pem(c.get());
    if (format == "pem") return {"application/x-pem-file", "pem", crypto::cert_to_pem(cert)};
    if (format == "chain") return {"application/x-pem-file", "chain.pem", chain_pem};
    if (format == "fullchain") return {"application/x-pem-file", "fullchain.pem", crypto::cert_to_pem(cert) + chain_pem};
    if (format == "p7b") return {"application/pkcs7-mime", "p7b", pkcs7_certs(cert, chain)};
    if (format == "der") return {"application/pkix-cert", "cer", crypto::cert_to_der(cert)};
    throw Error("530", {"形式は pem, chain, fullchain, p7b, der のいずれかです。",
                        "The format must be pem, chain, fullchain, p7b or der."},
                400);
}

}  // namespace inkan::download

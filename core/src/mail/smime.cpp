#include "mail/smime.hpp"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "crypto/x509.hpp"
#include "util/codes.hpp"
#include "util/error.hpp"

namespace inkan::mail {

namespace {
std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(codes::kBadRequest, {path + " を読み取れません。", "Cannot read " + path + "."});
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct CmsFree {
    void operator()(CMS_ContentInfo* c) const noexcept { CMS_ContentInfo_free(c); }
};
}  // namespace

Signer load_signer(const std::string& cert_file, const std::string& key_file) {
    Signer s;
    std::string pem = read_file(cert_file);
    auto bio = crypto::memory_bio(pem);
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        if (s.cert) {
            s.chain.emplace_back(cert);
        } else {
            s.cert.reset(cert);
        }
    }
    ERR_clear_error();  // the loop ends on "no start line"
    if (!s.cert) throw Error(codes::kBadRequest, {cert_file + " に証明書がありません。", cert_file + " holds no certificate."});
    s.key = crypto::key_from_pem(read_file(key_file));
    bool email = X509_get_extended_key_usage(s.cert.get()) & XKU_SMIME;
    if (crypto::not_after(s.cert.get()) <= std::time(nullptr)) {
        throw Error(codes::kBadRequest, {"メール署名用の証明書は有効期限が切れています。", "The mail-signing certificate has expired."});
    }
    if (X509_check_private_key(s.cert.get(), s.key.get()) != 1 || !email) {
        ERR_clear_error();
        throw Error(codes::kBadRequest, {"メール署名用の証明書と鍵が対応していないか、emailProtection の証明書ではありません。",
                                         "The mail-signing certificate and key do not match, or the certificate is not for emailProtection."});
    }
    return s;
}

std::string sign_entity(const Signer& signer, const std::string& entity) {
    crypto::X509Stack chain(sk_X509_new_null());
    crypto::check(chain != nullptr, "sk_X509_new_null");
    for (const auto& c : signer.chain) crypto::check(X509_up_ref(c.get()) == 1 && sk_X509_push(chain.get(), c.get()) > 0, "sk_X509_push");
    // The entity is canonical already (CRLF): sign and send its bytes as they
    // are.  Streaming: the signature is computed once, while the entity is written.
    const int flags = CMS_DETACHED | CMS_BINARY | CMS_STREAM;
    auto data = crypto::memory_bio(entity);
    std::unique_ptr<CMS_ContentInfo, CmsFree> cms(
        crypto::check_ptr(CMS_sign(signer.cert.get(), signer.key.get(), chain.get(), data.get(), flags), "CMS_sign"));
    crypto::BioPtr out(crypto::check_ptr(BIO_new(BIO_s_mem()), "BIO_new"));
    crypto::check(SMIME_write_CMS(out.get(), cms.get(), data.get(), flags | CMS_CRLFEOL) == 1, "SMIME_write_CMS");
    char* bytes = nullptr;
    long len = BIO_get_mem_data(out.get(), &bytes);
    return std::string(bytes, static_cast<size_t>(len));
}

}  // namespace inkan::mail

// RAII ownership of OpenSSL objects; no raw *_free calls outside this file.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace inkan::crypto {

template <auto FreeFn>
struct Free {
    template <class T>
    void operator()(T* p) const noexcept { FreeFn(p); }
};

using PKey = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Free<EVP_CIPHER_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Free<X509_REQ_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Free<X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using BigNum = std::unique_ptr<BIGNUM, Free<BN_free>>;
using Asn1Int = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Free<PKCS12_free>>;

struct X509StackFree {
    void operator()(STACK_OF(X509)* s) const noexcept { sk_X509_pop_free(s, X509_free); }
};
using X509Stack = std::unique_ptr<STACK_OF(X509), X509StackFree>;

// Takes the OpenSSL error queue of this thread as text and empties it.
std::string drain_errors();

// Throws InternalError naming `what` and the OpenSSL errors when !ok.
void check(bool ok, const char* what);

template <class T>
T* check_ptr(T* p, const char* what) {
    check(p != nullptr, what);
    return p;
}

// DER of any OpenSSL object through its i2d_* function.
template <class T>
std::string to_der(int (*i2d)(const T*, unsigned char**), const T* obj, const char* what = "i2d") {
    int len = i2d(obj, nullptr);
    check(len > 0, what);
    std::string out(static_cast<size_t>(len), '\0');
    auto p = reinterpret_cast<unsigned char*>(out.data());
    check(i2d(obj, &p) == len, what);
    return out;
}

BioPtr memory_bio(std::string_view data);
std::string bio_contents(BIO* bio);

}  // namespace inkan::crypto

#include "crypto/x509.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/encoding.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace inkan::crypto {


X509Ptr cert_from_pem(std::string_view pem) {
    auto bio = memory_bio(pem);
    return X509Ptr(check_ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), "parse certificate PEM"));
}

X509Ptr cert_from_der(std::string_view der) {
    auto p = reinterpret_cast<const unsigned char*>(der.data());
    return X509Ptr(check_ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())), "parse certificate DER"));
}

std::string cert_to_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
    return bio_contents(bio.get());
}

std::string cert_to_der(X509* cert) { return to_der(i2d_X509, cert, "i2d_X509"); }

std::string fingerprint_sha256(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    check(X509_digest(cert, EVP_sha256(), md, &len) == 1, "X509_digest");
    return std::string(reinterpret_cast<char*>(md), len);
}

std::string serial_hex(X509* cert) {
    BigNum bn(check_ptr(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), "serial"));
    char* s = check_ptr(BN_bn2hex(bn.get()), "BN_bn2hex");
    std::string out(s);
    OPENSSL_free(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

static std::time_t to_time_t(const ASN1_TIME* t) {
    struct tm tm {};
    check(ASN1_TIME_to_tm(t, &tm) == 1, "ASN1_TIME_to_tm");
    return timegm(&tm);
}

std::time_t not_before(X509* cert) { return to_time_t(X509_get0_notBefore(cert)); }
std::time_t not_after(X509* cert) { return to_time_t(X509_get0_notAfter(cert)); }

std::string subject_text(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio != nullptr, "BIO_new");
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    return bio_contents(bio.get());
}

std::vector<std::string> general_names(const GENERAL_NAMES* names, int type) {
    std::vector<std::string> out;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        int gtype = 0;
        auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(g, &gtype));
        if (gtype == type && (type == GEN_DNS || type == GEN_EMAIL || type == GEN_URI)) {
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                             static_cast<size_t>(ASN1_STRING_length(value)));
        }
    }
    return out;
}

static std::vector<std::string> alt_names(X509* cert, int type) {
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    auto out = general_names(names, type);
    GENERAL_NAMES_free(names);
    return out;
}

std::vector<std::string> dns_names(X509* cert) { return alt_names(cert, GEN_DNS); }

std::vector<std::string> email_addresses(X509* cert) { return alt_names(cert, GEN_EMAIL); }

std::vector<std::string> email_domains(X509* cert) {
    std::vector<std::string> out;
    for (const auto& mail : email_addresses(cert)) {
        size_t at = mail.rfind('@');
        if (at != std::string::npos) out.push_back(text::lower(mail.substr(at + 1)));
    }
    return out;
}

bool spki_algorithm_is_canonical(const X509_PUBKEY* spki) {
    static const std::string_view allowed[] = {
        "300d06092a864886f70d0101010500",              // rsaEncryption, NULL
        "301306072a8648ce3d020106082a8648ce3d030107",  // P-256
        "301006072a8648ce3d020106052b81040022",        // P-384
        "301006072a8648ce3d020106052b81040023",        // P-521
    };
    X509_ALGOR* alg = nullptr;
    if (!spki || X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &alg, spki) != 1 || !alg) return false;
    unsigned char* der = nullptr;
    int len = i2d_X509_ALGOR(alg, &der);
    if (len <= 0) return false;
    std::string encoded = hex(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
    for (const auto& a : allowed) {
        if (a == encoded) return true;
    }
    return false;
}

bool ec_named_curve(EVP_PKEY* key) {
    char encoding[32] = "";
    size_t len = 0;
    bool named = EVP_PKEY_is_a(key, "EC") &&
                 EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof encoding, &len) == 1 &&
                 std::string_view(encoding) == OSSL_PKEY_EC_ENCODING_GROUP;
    ERR_clear_error();
    return named;
}

static PKey generate(const char* type, const OSSL_PARAM* params) {
    PKeyCtx ctx(check_ptr(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), "EVP_PKEY_CTX_new_from_name"));
    check(EVP_PKEY_keygen_init(ctx.get()) == 1, "EVP_PKEY_keygen_init");
    check(EVP_PKEY_CTX_set_params(ctx.get(), params) == 1, "EVP_PKEY_CTX_set_params");
    EVP_PKEY* key = nullptr;
    check(EVP_PKEY_generate(ctx.get(), &key) == 1, "EVP_PKEY_generate");
    return PKey(key);
}

PKey generate_rsa(int bits) {
    unsigned int b = static_cast<unsigned int>(bits);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_uint("bits", &b), OSSL_PARAM_construct_end()};
    return generate("RSA", params);
}

PKey generate_ec(const char* curve) {
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("group", const_cast<char*>(curve), 0),
                           OSSL_PARAM_construct_end()};
    return generate("EC", params);
}

std::string key_to_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    return bio_contents(bio.get());
}

PKey key_from_pem(std::string_view pem) {
    auto bio = memory_bio(pem);
    // No passphrase callback: a daemon must fail on an encrypted key, not prompt on a terminal.
    auto no_prompt = [](char*, int, int, void*) { return 0; };
    return PKey(check_ptr(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_prompt, nullptr), "parse private key PEM"));
}

std::string public_key_der(EVP_PKEY* key) { return to_der(i2d_PUBKEY, key, "i2d_PUBKEY"); }

PKey public_key_from_der(std::string_view der) {
    auto p = reinterpret_cast<const unsigned char*>(der.data());
    return PKey(check_ptr(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())), "parse public key DER"));
}

std::string pkcs12(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain, std::string_view password,
                   std::string_view friendly_name, Pkcs12Cipher cipher) {
    X509Stack ca(sk_X509_new_null());
    check(ca != nullptr, "sk_X509_new_null");
    for (X509* c : chain) {
        check(X509_up_ref(c) == 1 && sk_X509_push(ca.get(), c) > 0, "sk_X509_push");
    }
    std::string pass(password), name(friendly_name);
    bool legacy = cipher == Pkcs12Cipher::legacy_3des;
    int nid = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : 0;  // 0: OpenSSL 3's AES-256-CBC / PBKDF2
    Pkcs12Ptr p12(check_ptr(PKCS12_create(pass.c_str(), name.c_str(), key, cert, ca.get(), nid, nid, 0, 0, 0),
                            "PKCS12_create"));
    if (legacy) {
        check(PKCS12_set_mac(p12.get(), pass.c_str(), -1, nullptr, 0, PKCS12_DEFAULT_ITER, EVP_sha1()) == 1, "PKCS12_set_mac");
    }
    return to_der(i2d_PKCS12, static_cast<const PKCS12*>(p12.get()), "i2d_PKCS12");
}

}  // namespace inkan::crypto

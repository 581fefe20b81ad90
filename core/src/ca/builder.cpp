#include "ca/builder.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "crypto/random.hpp"

namespace inkan::ca {

using crypto::check;
using crypto::check_ptr;

namespace {
bool printable(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
    });
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    if (value.empty()) return;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    crypto::X509ExtPtr ext(check_ptr(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), "X509V3_EXT_conf_nid"));
    check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}
// certificatePolicies from bare OIDs (OpenSSL's config syntax needs a config database).
void add_policies(X509* cert, const std::vector<std::string>& oids) {
    if (oids.empty()) return;
    std::unique_ptr<CERTIFICATEPOLICIES, crypto::Free<CERTIFICATEPOLICIES_free>> policies(
        check_ptr(sk_POLICYINFO_new_null(), "sk_POLICYINFO_new_null"));
    for (const auto& oid : oids) {
        POLICYINFO* info = check_ptr(POLICYINFO_new(), "POLICYINFO_new");
        ASN1_OBJECT_free(info->policyid);
        info->policyid = OBJ_txt2obj(oid.c_str(), 1);
        if (!info->policyid || sk_POLICYINFO_push(policies.get(), info) <= 0) {
            POLICYINFO_free(info);
            check(false, ("certificate policy OID " + oid).c_str());
        }
    }
    check(X509_add1_ext_i2d(cert, NID_certificate_policies, policies.get(), 0, X509V3_ADD_DEFAULT) == 1,
          "certificatePolicies");
}
// subjectAltName from GENERAL_NAMEs built one by one: a value can never be
// read as more configuration (a comma in an address stays part of it).
void add_alt_names(X509* cert, const std::vector<std::string>& dns, const std::vector<std::string>& emails) {
    if (dns.empty() && emails.empty()) return;
    std::unique_ptr<GENERAL_NAMES, crypto::Free<GENERAL_NAMES_free>> names(check_ptr(sk_GENERAL_NAME_new_null(), "sk_GENERAL_NAME_new_null"));
    auto add = [&](int type, const std::string& value) {
        GENERAL_NAME* g = check_ptr(GENERAL_NAME_new(), "GENERAL_NAME_new");
        ASN1_IA5STRING* text = ASN1_IA5STRING_new();
        if (!text || ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())) != 1) {
            ASN1_IA5STRING_free(text);
            GENERAL_NAME_free(g);
            check(false, "ASN1_STRING_set");
        }
        GENERAL_NAME_set0_value(g, type, text);
        if (sk_GENERAL_NAME_push(names.get(), g) <= 0) {
            GENERAL_NAME_free(g);
            check(false, "sk_GENERAL_NAME_push");
        }
    };
    for (const auto& n : dns) add(GEN_DNS, n);
    for (const auto& m : emails) add(GEN_EMAIL, m);
    check(X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1, "subjectAltName");
}
}  // namespace

crypto::X509NamePtr make_name(const Rdns& rdns) {
    crypto::X509NamePtr name(check_ptr(X509_NAME_new(), "X509_NAME_new"));
    for (const auto& [type, value] : rdns) {
        int asn1_type = printable(value) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
        check(X509_NAME_add_entry_by_txt(name.get(), type.c_str(), asn1_type,
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, 0) == 1,
              "X509_NAME_add_entry_by_txt");
    }
    return name;
}

crypto::Asn1Int random_serial() {
    std::string bytes = crypto::random_bytes(16);
    bytes[0] = static_cast<char>((static_cast<unsigned char>(bytes[0]) & 0x7f) | 0x40);
    crypto::BigNum bn(check_ptr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), 16, nullptr), "BN_bin2bn"));
    return crypto::Asn1Int(check_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "BN_to_ASN1_INTEGER"));
}

const EVP_MD* digest_for(EVP_PKEY* signing_key) {
    return EVP_PKEY_is_a(signing_key, "EC") && EVP_PKEY_get_bits(signing_key) >= 384 ? EVP_sha384() : EVP_sha256();
}

namespace {
// The request's key bits and algorithm (with its parameters), copied.
void copy_spki(X509* cert, const X509_PUBKEY* from) {
    ASN1_OBJECT* oid = nullptr;
    const unsigned char* bits = nullptr;
    int len = 0;
    X509_ALGOR* from_alg = nullptr;
    check(X509_PUBKEY_get0_param(&oid, &bits, &len, &from_alg, from) == 1 && oid && bits && len > 0,
          "X509_PUBKEY_get0_param");
    X509_PUBKEY* to = X509_get_X509_PUBKEY(cert);
    auto* copy = static_cast<unsigned char*>(check_ptr(OPENSSL_memdup(bits, static_cast<size_t>(len)), "OPENSSL_memdup"));
    ASN1_OBJECT* algorithm = OBJ_dup(oid);
    if (!algorithm || X509_PUBKEY_set0_param(to, algorithm, V_ASN1_UNDEF, nullptr, copy, len) != 1) {
        ASN1_OBJECT_free(algorithm);
        OPENSSL_free(copy);
        check(false, "X509_PUBKEY_set0_param");
    }
    // Then the algorithm again, with its parameters (NULL for RSA, the curve for EC).
    X509_ALGOR* to_alg = nullptr;
    X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &to_alg, to);
    check(X509_ALGOR_copy(to_alg, from_alg) == 1, "X509_ALGOR_copy");
}

void set_public_key(X509* cert, const CertSpec& spec) {
    if (spec.request_spki) return copy_spki(cert, spec.request_spki);
    check(X509_set_pubkey(cert, spec.public_key) == 1, "X509_set_pubkey");
}
}  // namespace

crypto::X509Ptr build(const CertSpec& spec, X509* issuer) {
    crypto::X509Ptr cert(check_ptr(X509_new(), "X509_new"));
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
    auto serial = random_serial();
    check(X509_set_serialNumber(cert.get(), serial.get()) == 1, "X509_set_serialNumber");
    auto subject = make_name(spec.subject);
    check(X509_set_subject_name(cert.get(), subject.get()) == 1, "X509_set_subject_name");
    check(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject.get()) == 1,
          "X509_set_issuer_name");
    check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), spec.not_before) != nullptr, "notBefore");
    check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), spec.not_after) != nullptr, "notAfter");
    set_public_key(cert.get(), spec);

    std::string bc = spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    if (spec.is_ca && spec.path_len >= 0) bc += ",pathlen:" + std::to_string(spec.path_len);
    add_ext(cert.get(), issuer, NID_basic_constraints, bc);
    add_ext(cert.get(), issuer, NID_key_usage, spec.key_usage);
    add_ext(cert.get(), issuer, NID_ext_key_usage, spec.extended_key_usage);
    // Key identifiers chain CA certificates; the BRs advise against a
    // subjectKeyIdentifier in subscriber certificates.  A self-signed root
    // names its own key in the authorityKeyIdentifier.
    if (spec.is_ca) add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
    add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
    add_alt_names(cert.get(), spec.dns_names, spec.emails);
    add_policies(cert.get(), spec.policy_oids);
    for (const auto& [nid, value] : spec.extensions) add_ext(cert.get(), issuer, nid, value);
    return cert;
}

crypto::X509Ptr sign(const CertSpec& spec, X509* issuer, EVP_PKEY* issuer_key) {
    auto cert = build(spec, issuer);
    check(X509_sign(cert.get(), issuer_key, digest_for(issuer_key)) > 0, "X509_sign");
    return cert;
}

}  // namespace inkan::ca

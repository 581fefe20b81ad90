// Certificates and keys: parsing, encoding, fingerprints, key generation, PKCS#12.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ossl.hpp"

namespace inkan::crypto {

X509Ptr cert_from_pem(std::string_view pem);
X509Ptr cert_from_der(std::string_view der);
std::string cert_to_pem(X509* cert);
std::string cert_to_der(X509* cert);

std::string fingerprint_sha256(X509* cert);  // 32 raw bytes over the DER
std::string serial_hex(X509* cert);          // lowercase hex, no leading zeros
std::time_t not_before(X509* cert);
std::time_t not_after(X509* cert);
// RFC 2253-style one-line subject, most significant RDN last (CN=...,O=...,C=JP).
std::string subject_text(X509* cert);

// The values of the GENERAL_NAMEs of one type (GEN_DNS, GEN_EMAIL, ...).
std::vector<std::string> general_names(const GENERAL_NAMES* names, int type);
// dNSName values of a certificate's subjectAltName.
std::vector<std::string> dns_names(X509* cert);
// The rfc822Name entries of the subjectAltName.
std::vector<std::string> email_addresses(X509* cert);
// The domains (after the last '@', lower case) of those entries: what a
// person's certificate names for authorization.
std::vector<std::string> email_domains(X509* cert);

// An EC key whose parameters are a named curve (OID), not explicit
// parameters (which the BRs and RFC 5480 forbid).  False for non-EC keys.
bool ec_named_curve(EVP_PKEY* key);
// Whether a SubjectPublicKeyInfo's AlgorithmIdentifier is byte for byte one
// of the encodings BR 7.1.3.1.1 allows (rsaEncryption with NULL parameters,
// id-ecPublicKey with the P-256, P-384 or P-521 OID).
bool spki_algorithm_is_canonical(const X509_PUBKEY* spki);

PKey generate_rsa(int bits);
PKey generate_ec(const char* curve);  // e.g. "P-384"
std::string key_to_pem(EVP_PKEY* key);
PKey key_from_pem(std::string_view pem);
std::string public_key_der(EVP_PKEY* key);  // SubjectPublicKeyInfo
PKey public_key_from_der(std::string_view der);

// PKCS#12 with OpenSSL 3 defaults (AES-256-CBC, PBKDF2, SHA-256 MAC).
// How a PKCS#12 is protected: AES-256-CBC with PBKDF2-SHA256 and an
// HMAC-SHA256 MAC (OpenSSL 3's default), or the 3DES / SHA-1 form that old
// importers (Windows 7, older macOS and Android) still need.
enum class Pkcs12Cipher { aes256, legacy_3des };
std::string pkcs12(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain, std::string_view password,
                   std::string_view friendly_name, Pkcs12Cipher cipher = Pkcs12Cipher::aes256);

}  // namespace inkan::crypto

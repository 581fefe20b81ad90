// Builds and signs X.509 certificates.  Used by the worker (which holds the
// CA keys) and by 'inkanctl ca init'; the web server never links a path
// that reaches a CA key.
#pragma once

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "crypto/ossl.hpp"

namespace inkan::ca {

// Attribute type and value, most significant first: C, ST, L, O, (OU), CN.
using Rdns = std::vector<std::pair<std::string, std::string>>;

struct CertSpec {
    Rdns subject;
    EVP_PKEY* public_key = nullptr;
    // The request's SubjectPublicKeyInfo (of public_key), when there is one
    // and its AlgorithmIdentifier is in the form the BRs require
    // (crypto::spki_algorithm_is_canonical): copied into the certificate as it is.  X509_set_pubkey would encode
    // public_key and decode it again through OpenSSL 3's encoder and decoder,
    // the costliest step of building a certificate after the signature.
    const X509_PUBKEY* request_spki = nullptr;
    std::time_t not_before = 0;
    std::time_t not_after = 0;
    bool is_ca = false;
    int path_len = -1;               // CA only; -1 leaves it open
    std::string key_usage;           // OpenSSL config syntax, e.g. "critical,digitalSignature"
    std::string extended_key_usage;  // e.g. "clientAuth"; empty: none
    std::vector<std::string> dns_names;
    std::vector<std::string> emails;       // rfc822Names (client and S/MIME certificates)
    std::vector<std::string> policy_oids;  // certificatePolicies, non-critical
    // Further extensions in OpenSSL config syntax, e.g.
    // {NID_crl_distribution_points, "URI:https://ra.example/crl/2.crl"}.
    std::vector<std::pair<int, std::string>> extensions;
};

crypto::X509NamePtr make_name(const Rdns& rdns);
// 16 random bytes, positive, first octet non-zero: 128 bits of entropy, <= 20 octets.
crypto::Asn1Int random_serial();
// Digest that goes with the signing key: SHA-384 for P-384, SHA-256 otherwise.
const EVP_MD* digest_for(EVP_PKEY* signing_key);
// The complete certificate except for the signature.  issuer == nullptr:
// self-issued.
crypto::X509Ptr build(const CertSpec& spec, X509* issuer);
// build() then sign with issuer_key (self-signed when issuer == nullptr).
crypto::X509Ptr sign(const CertSpec& spec, X509* issuer, EVP_PKEY* issuer_key);

}  // namespace inkan::ca

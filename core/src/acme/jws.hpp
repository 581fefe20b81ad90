// JSON Web Signatures as ACME uses them (RFC 8555 §6.2, RFC 7515): the
// flattened JSON serialization only, one protected header, no unprotected
// header, no detached or unencoded payload.  Account keys are RSA (RS256,
// 2048..8192 bits), ECDSA P-256 / P-384 (ES256 / ES384) or Ed25519 (EdDSA).
// Everything here is pure (no database), so it is unit-tested and fuzzed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/ossl.hpp"

namespace inkan::acme {

struct Jwk {
    std::string canonical;   // RFC 7638 form: the required members, sorted, no spaces
    std::string thumbprint;  // base64url(SHA-256(canonical))
    std::string kty;         // RSA, EC, OKP
    std::string crv;         // P-256, P-384, Ed25519 ("" for RSA)
    crypto::PKey key;
};

// Throws Problem badPublicKey (or malformed) for anything but a supported,
// well-formed public key.
Jwk parse_jwk(const nlohmann::json& j);

enum class JwsUse {
    request,   // an ACME request: signature alg, nonce, url, jwk xor kid
    inner,     // the inner JWS of a key change: signature alg, url, jwk, no nonce
    binding,   // an externalAccountBinding: HS256/384/512, url, kid, no nonce
};

struct Jws {
    std::string alg, nonce, url, kid;
    std::optional<Jwk> jwk;
    std::string protected_b64, payload_b64;
    std::string payload;    // decoded; empty for POST-as-GET
    std::string signature;  // decoded
    std::string signing_input() const { return protected_b64 + "." + payload_b64; }
};

// Parses the structure and the protected header; throws Problem
// (malformed, badSignatureAlgorithm, badPublicKey) naming what is wrong.
// Does not verify the signature.
Jws parse_jws_text(std::string_view body, JwsUse use);
Jws parse_jws(const nlohmann::json& j, JwsUse use);

// The signature over the signing input with `key`, for the JWS's alg; false
// when the alg does not fit the key or the signature does not verify.
bool verify_signature(const Jws& jws, EVP_PKEY* key);

// A JSON object from a payload; throws malformed naming `what`.
nlohmann::json payload_object(const Jws& jws, const char* what);

// Strict base64url (no padding, no whitespace); throws malformed naming `what`.
std::string b64url_decode(std::string_view text, const char* what);

}  // namespace inkan::acme

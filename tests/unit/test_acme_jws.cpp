// Unit tests of the ACME JWS layer: every accepted key type signs and
// verifies, thumbprints follow RFC 7638, and the structural rules of RFC 8555
// §6.2 are enforced before any signature is looked at.
#include <openssl/core_names.h>

#include <nlohmann/json.hpp>

#include "acme/jws.hpp"
#include "acme/problem.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"

// cmocka's macros clash with the standard library: include it last.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

using namespace inkan;
using nlohmann::json;

namespace {

std::string b64(const std::string& s) { return crypto::base64url(s); }

std::string bn_bytes(EVP_PKEY* key, const char* name, size_t pad = 0) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key, name, &bn);
    std::string out(std::max(pad, static_cast<size_t>(BN_num_bytes(bn))), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    BN_free(bn);
    return out;
}

struct Signer {
    std::string alg;
    crypto::PKey key;

    json jwk() const {
        if (alg == "RS256") {
            return {{"kty", "RSA"}, {"n", b64(bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                    {"e", b64(bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
        }
        if (alg == "EdDSA") {
            std::string raw(32, '\0');
            size_t len = raw.size();
            EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len);
            return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64(raw)}};
        }
        size_t size = alg == "ES256" ? 32 : 48;
        return {{"kty", "EC"}, {"crv", size == 32 ? "P-256" : "P-384"},
                {"x", b64(bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, size))},
                {"y", b64(bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size))}};
    }

    std::string sign(const std::string& input) const {
        const EVP_MD* md = alg == "RS256" || alg == "ES256" ? EVP_sha256() : alg == "ES384" ? EVP_sha384() : nullptr;
        crypto::MdCtx ctx(EVP_MD_CTX_new());
        size_t len = 0;
        EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get());
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        sig.resize(len);
        if (alg != "ES256" && alg != "ES384") return sig;
        // DER ECDSA-Sig-Value -> r || s, as JWS wants it.
        auto p = reinterpret_cast<const unsigned char*>(sig.data());
        ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        size_t half = alg == "ES256" ? 32 : 48;
        std::string raw(2 * half, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(parsed), reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(half));
        BN_bn2binpad(ECDSA_SIG_get0_s(parsed), reinterpret_cast<unsigned char*>(raw.data()) + half, static_cast<int>(half));
        ECDSA_SIG_free(parsed);
        return raw;
    }

    std::string jws(json header, const std::string& payload) const {
        std::string p = b64(header.dump()), body = b64(payload);
        return json{{"protected", p}, {"payload", body}, {"signature", b64(sign(p + "." + body))}}.dump();
    }
};

Signer make(const std::string& alg) {
    if (alg == "RS256") return {alg, crypto::generate_rsa(2048)};
    if (alg == "ES256") return {alg, crypto::generate_ec("P-256")};
    if (alg == "ES384") return {alg, crypto::generate_ec("P-384")};
    EVP_PKEY* key = nullptr;
    crypto::PKeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
    EVP_PKEY_keygen_init(ctx.get());
    EVP_PKEY_keygen(ctx.get(), &key);
    return {alg, crypto::PKey(key)};
}

json header(const Signer& s) { return {{"alg", s.alg}, {"nonce", "n1"}, {"url", "https://ra/acme/new-order"}, {"jwk", s.jwk()}}; }

// The problem type a parse throws, "" when it parses.
std::string problem_of(const std::string& body, acme::JwsUse use = acme::JwsUse::request) {
    try {
        acme::parse_jws_text(body, use);
        return "";
    } catch (const acme::Problem& p) {
        return p.type();
    }
}

void every_key_type_signs_and_verifies(void**) {
    for (const char* alg : {"RS256", "ES256", "ES384", "EdDSA"}) {
        Signer s = make(alg);
        std::string body = s.jws(header(s), R"({"identifiers":[]})");
        auto jws = acme::parse_jws_text(body, acme::JwsUse::request);
        assert_true(jws.jwk.has_value());
        assert_true(acme::verify_signature(jws, jws.jwk->key.get()));
        assert_string_equal(jws.payload.c_str(), R"({"identifiers":[]})");
        // RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace
        // (nlohmann's objects are sorted, so dump() writes exactly that form).
        assert_string_equal(jws.jwk->thumbprint.c_str(), b64(crypto::sha256(s.jwk().dump())).c_str());
        // Another key of the same type does not verify it.
        Signer other = make(alg);
        auto other_jwk = acme::parse_jwk(other.jwk());
        assert_false(acme::verify_signature(jws, other_jwk.key.get()));
        // A tampered payload does not verify.
        auto tampered = acme::parse_jws_text(body, acme::JwsUse::request);
        tampered.payload_b64 = b64(R"({"identifiers":[1]})");
        assert_false(acme::verify_signature(tampered, jws.jwk->key.get()));
    }
}

void the_alg_must_fit_the_key(void**) {
    Signer p384 = make("ES384");
    json h = header(p384);
    h["alg"] = "ES256";  // a P-384 key claiming ES256
    auto jws = acme::parse_jws_text(p384.jws(h, "{}"), acme::JwsUse::request);
    assert_false(acme::verify_signature(jws, jws.jwk->key.get()));
    Signer rsa = make("RS256");
    h = header(rsa);
    h["alg"] = "EdDSA";
    jws = acme::parse_jws_text(rsa.jws(h, "{}"), acme::JwsUse::request);
    assert_false(acme::verify_signature(jws, jws.jwk->key.get()));
}

void structure_rules(void**) {
    Signer s = make("ES256");
    std::string good = s.jws(header(s), "{}");
    assert_string_equal(problem_of(good).c_str(), "");
    json h = header(s);
    h["alg"] = "none";
    assert_string_equal(problem_of(s.jws(h, "{}")).c_str(), "badSignatureAlgorithm");
    h["alg"] = "HS256";
    assert_string_equal(problem_of(s.jws(h, "{}")).c_str(), "badSignatureAlgorithm");
    h = header(s);
    h["kid"] = "https://ra/acme/acct/1";  // jwk and kid
    assert_string_equal(problem_of(s.jws(h, "{}")).c_str(), "malformed");
    h = header(s);
    h.erase("nonce");
    assert_string_equal(problem_of(s.jws(h, "{}")).c_str(), "malformed");
    h = header(s);
    h["crit"] = json::array({"b64"});
    assert_string_equal(problem_of(s.jws(h, "{}")).c_str(), "malformed");
    json j = json::parse(good);
    j["header"] = json::object();
    assert_string_equal(problem_of(j.dump()).c_str(), "malformed");
    j = json::parse(good);
    j["payload"] = "a=b";  // not base64url
    assert_string_equal(problem_of(j.dump()).c_str(), "malformed");
    for (const char* junk : {"", "{", "[]", "null", "{\"protected\":1}", "\xff\xfe"}) {
        assert_string_equal(problem_of(junk).c_str(), "malformed");
    }
    // The inner JWS of a key change carries no nonce; a binding is a MAC with kid.
    assert_string_equal(problem_of(good, acme::JwsUse::inner).c_str(), "malformed");
    assert_string_equal(problem_of(good, acme::JwsUse::binding).c_str(), "malformed");
}

void keys_that_are_refused(void**) {
    auto refused = [](json jwk) {
        try {
            acme::parse_jwk(jwk);
            return std::string();
        } catch (const acme::Problem& p) {
            return p.type();
        }
    };
    Signer small{"RS256", crypto::generate_rsa(1024)};
    assert_string_equal(refused(small.jwk()).c_str(), "badPublicKey");
    Signer ec = make("ES256");
    json bad = ec.jwk();
    bad["y"] = bad["x"];  // not on the curve
    assert_string_equal(refused(bad).c_str(), "badPublicKey");
    bad = ec.jwk();
    bad["crv"] = "P-521";
    assert_string_equal(refused(bad).c_str(), "badPublicKey");
    bad = ec.jwk();
    bad["d"] = bad["x"];  // private material
    assert_string_equal(refused(bad).c_str(), "badPublicKey");
    assert_string_equal(refused({{"kty", "oct"}, {"k", "AAAA"}}).c_str(), "badPublicKey");
    assert_string_equal(refused(json::array()).c_str(), "badPublicKey");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_key_type_signs_and_verifies),
        cmocka_unit_test(the_alg_must_fit_the_key),
        cmocka_unit_test(structure_rules),
        cmocka_unit_test(keys_that_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

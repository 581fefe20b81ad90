#include "acme/jws.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>

#include "acme/problem.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace inkan::acme {

namespace {
using nlohmann::json;

Problem bad_key(const std::string& en, const std::string& ja) { return Problem("badPublicKey", en, ja); }

bool is_b64url(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

const std::string& string_member(const json& j, const char* name, const char* what) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) {
        throw malformed(std::string(what) + ": member \"" + name + "\" is missing or not a string",
                        std::string(what) + " のメンバー \"" + name + "\" がないか文字列ではありません。");
    }
    return it->get_ref<const std::string&>();
}

std::string b64_member(const json& j, const char* name, const char* what) {
    return b64url_decode(string_member(j, name, what), what);
}

void free_params(OSSL_PARAM* p) { OSSL_PARAM_free(p); }
void free_builder(OSSL_PARAM_BLD* b) { OSSL_PARAM_BLD_free(b); }
using Params = std::unique_ptr<OSSL_PARAM, crypto::Free<free_params>>;
using Builder = std::unique_ptr<OSSL_PARAM_BLD, crypto::Free<free_builder>>;
using Ctx = crypto::PKeyCtx;

crypto::PKey from_params(const char* type, OSSL_PARAM_BLD* bld) {
    Params params(OSSL_PARAM_BLD_to_param(bld));
    Ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
        crypto::drain_errors();
        throw bad_key("the key does not load", "鍵を読み込めません。");
    }
    return crypto::PKey(key);
}

crypto::PKey rsa_key(const std::string& n, const std::string& e) {
    if (n.empty() || e.empty() || n[0] == '\0' || e[0] == '\0') throw bad_key("RSA n or e is empty or has leading zeros", "RSA の n または e が不正です。");
    size_t bits = n.size() * 8;
    if (bits < 2048 || n.size() > 1024) throw bad_key("RSA keys must have 2048 to 8192 bits", "RSA 鍵は 2048〜8192 ビットにしてください。");
    crypto::BigNum bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr));
    crypto::BigNum bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
    if (!bn_n || !bn_e || BN_num_bits(bn_n.get()) < 2048 || !BN_is_odd(bn_e.get()) || BN_num_bits(bn_e.get()) < 2 ||
        BN_num_bits(bn_e.get()) > 32) {
        throw bad_key("RSA keys must have 2048 to 8192 bits and an odd exponent of at most 32 bits",
                      "RSA 鍵は 2048〜8192 ビット、公開指数は 32 ビット以下の奇数にしてください。");
    }
    Builder bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
        throw std::bad_alloc();
    }
    return from_params("RSA", bld.get());
}

crypto::PKey ec_key(const std::string& crv, const std::string& x, const std::string& y) {
    size_t size = crv == "P-256" ? 32 : 48;
    if (x.size() != size || y.size() != size) {
        throw bad_key("EC coordinates must have " + std::to_string(size) + " bytes for " + crv,
                      crv + " の座標は " + std::to_string(size) + " バイトです。");
    }
    std::string point = "\x04" + x + y;
    Builder bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, crv.c_str(), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
        throw std::bad_alloc();
    }
    auto key = from_params("EC", bld.get());
    Ctx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        crypto::drain_errors();
        throw bad_key("the EC point is not on the curve", "EC の点が曲線上にありません。");
    }
    return key;
}

// r || s (each `half` bytes) as the DER ECDSA-Sig-Value OpenSSL verifies.
std::optional<std::string> ecdsa_der(const std::string& raw, size_t half) {
    if (raw.size() != 2 * half) return std::nullopt;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    if (!sig) throw std::bad_alloc();
    auto bytes = reinterpret_cast<const unsigned char*>(raw.data());
    BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
    if (!r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        throw std::bad_alloc();
    }
    int len = i2d_ECDSA_SIG(sig, nullptr);
    std::string der(static_cast<size_t>(std::max(len, 0)), '\0');
    auto p = reinterpret_cast<unsigned char*>(der.data());
    if (len <= 0 || i2d_ECDSA_SIG(sig, &p) != len) der.clear();
    ECDSA_SIG_free(sig);
    if (der.empty()) return std::nullopt;
    return der;
}

bool digest_verify(EVP_PKEY* key, const EVP_MD* md, const std::string& data, const std::string& sig) {
    crypto::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::bad_alloc();
    bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
              EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    crypto::drain_errors();
    return ok;
}

const std::array<const char*, 4> kSignatureAlgs = {"RS256", "ES256", "ES384", "EdDSA"};
const std::array<const char*, 3> kMacAlgs = {"HS256", "HS384", "HS512"};

template <size_t N>
bool one_of(const std::string& alg, const std::array<const char*, N>& algs) {
    return std::any_of(algs.begin(), algs.end(), [&](const char* a) { return alg == a; });
}

void check_header(Jws& jws, const json& h, JwsUse use) {
    jws.alg = string_member(h, "alg", "JWS protected header");
    bool mac = use == JwsUse::binding;
    if (mac ? !one_of(jws.alg, kMacAlgs) : !one_of(jws.alg, kSignatureAlgs)) {
        std::vector<std::string> accepted;
        if (!mac) accepted.assign(kSignatureAlgs.begin(), kSignatureAlgs.end());
        throw Problem(mac ? "malformed" : "badSignatureAlgorithm",
                      "JWS algorithm \"" + jws.alg + "\" is not accepted here (" +
                          (mac ? "HS256, HS384, HS512" : "RS256, ES256, ES384, EdDSA") + ")",
                      "JWS のアルゴリズム \"" + jws.alg + "\" は使えません。")
            .with_algorithms(std::move(accepted));
    }
    if (h.contains("crit") || h.contains("b64")) {
        throw malformed("JWS header members crit and b64 are not accepted", "JWS ヘッダーの crit と b64 は使えません。");
    }
    jws.url = string_member(h, "url", "JWS protected header");
    if (use == JwsUse::request) {
        jws.nonce = string_member(h, "nonce", "JWS protected header");
    } else if (h.contains("nonce")) {
        throw malformed("this inner JWS must not carry a nonce", "内側の JWS に nonce は付けません。");
    }
    bool has_jwk = h.contains("jwk"), has_kid = h.contains("kid");
    if (has_jwk == has_kid) {
        throw malformed("the JWS protected header needs exactly one of jwk and kid",
                        "JWS ヘッダーには jwk か kid のどちらか一方が必要です。");
    }
    if ((use == JwsUse::inner && !has_jwk) || (use == JwsUse::binding && !has_kid)) {
        throw malformed(use == JwsUse::inner ? "the key change's inner JWS must carry jwk"
                                             : "the external account binding must carry kid",
                        use == JwsUse::inner ? "鍵変更の内側の JWS には jwk が必要です。"
                                             : "外部アカウント結合には kid が必要です。");
    }
    if (has_kid) jws.kid = string_member(h, "kid", "JWS protected header");
    if (has_jwk) {
        if (!h["jwk"].is_object()) throw malformed("jwk is not an object", "jwk がオブジェクトではありません。");
        jws.jwk = parse_jwk(h["jwk"]);
    }
}
}  // namespace

std::string b64url_decode(std::string_view text, const char* what) {
    if (!is_b64url(text) || text.size() % 4 == 1) {
        throw malformed(std::string(what) + " is not base64url", std::string(what) + " が base64url ではありません。");
    }
    return crypto::unbase64url(text);
}

Jwk parse_jwk(const json& j) {
    if (!j.is_object()) throw bad_key("the JWK is not an object", "JWK がオブジェクトではありません。");
    if (j.contains("d") || j.contains("p") || j.contains("k")) {
        throw bad_key("the JWK holds private or symmetric key material", "JWK に秘密の鍵情報が含まれています。");
    }
    Jwk out;
    out.kty = string_member(j, "kty", "JWK");
    const char* what = "JWK";
    if (out.kty == "RSA") {
        std::string n = b64url_decode(string_member(j, "n", what), what), e = b64url_decode(string_member(j, "e", what), what);
        out.key = rsa_key(n, e);
        // Re-encoded from the bytes: one key, one thumbprint, however its base64url was written.
        out.canonical = R"({"e":")" + crypto::base64url(e) + R"(","kty":"RSA","n":")" + crypto::base64url(n) + "\"}";
    } else if (out.kty == "EC") {
        out.crv = string_member(j, "crv", what);
        if (out.crv != "P-256" && out.crv != "P-384") {
            throw bad_key("EC keys must be on P-256 or P-384", "EC 鍵は P-256 か P-384 にしてください。");
        }
        std::string x = b64url_decode(string_member(j, "x", what), what), y = b64url_decode(string_member(j, "y", what), what);
        out.key = ec_key(out.crv, x, y);
        out.canonical = R"({"crv":")" + out.crv + R"(","kty":"EC","x":")" + crypto::base64url(x) + R"(","y":")" +
                        crypto::base64url(y) + "\"}";
    } else if (out.kty == "OKP") {
        out.crv = string_member(j, "crv", what);
        std::string raw = b64url_decode(string_member(j, "x", what), what);
        if (out.crv != "Ed25519" || raw.size() != 32) {
            throw bad_key("OKP keys must be Ed25519 (32 bytes)", "OKP 鍵は Ed25519 (32 バイト) にしてください。");
        }
        EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                                    reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
        if (!key) {
            crypto::drain_errors();
            throw bad_key("the Ed25519 key does not load", "Ed25519 鍵を読み込めません。");
        }
        out.key = crypto::PKey(key);
        out.canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + crypto::base64url(raw) + "\"}";
    } else {
        throw bad_key("key type \"" + out.kty + "\" is not accepted (RSA, EC, OKP)",
                      "鍵の種類 \"" + out.kty + "\" は使えません (RSA, EC, OKP)。");
    }
    out.thumbprint = crypto::base64url(crypto::sha256(out.canonical));
    return out;
}

Jws parse_jws_text(std::string_view body, JwsUse use) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) throw malformed("the request body is not JSON", "リクエストの本文が JSON ではありません。");
    return parse_jws(j, use);
}

Jws parse_jws(const json& j, JwsUse use) {
    if (!j.is_object()) throw malformed("the JWS is not a JSON object", "JWS が JSON オブジェクトではありません。");
    if (j.contains("signatures")) {
        throw malformed("the general JWS serialization is not accepted: use the flattened one",
                        "一般 JWS シリアライズは使えません。平坦化した形式にしてください。");
    }
    if (j.contains("header")) {
        throw malformed("an unprotected JWS header is not accepted", "保護されていない JWS ヘッダーは使えません。");
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() != "protected" && it.key() != "payload" && it.key() != "signature") {
            throw malformed("unexpected JWS member \"" + it.key() + "\"", "JWS に不明なメンバー \"" + it.key() + "\" があります。");
        }
    }
    Jws jws;
    jws.protected_b64 = string_member(j, "protected", "JWS");
    jws.payload_b64 = string_member(j, "payload", "JWS");
    jws.signature = b64_member(j, "signature", "JWS signature");
    jws.payload = b64url_decode(jws.payload_b64, "JWS payload");
    json header = json::parse(b64url_decode(jws.protected_b64, "JWS protected header"), nullptr, false);
    if (!header.is_object()) {
        throw malformed("the JWS protected header is not a JSON object", "JWS の保護ヘッダーが JSON オブジェクトではありません。");
    }
    check_header(jws, header, use);
    return jws;
}

bool verify_signature(const Jws& jws, EVP_PKEY* key) {
    std::string input = jws.signing_input();
    if (jws.alg == "RS256") {
        return EVP_PKEY_is_a(key, "RSA") && digest_verify(key, EVP_sha256(), input, jws.signature);
    }
    if (jws.alg == "ES256" || jws.alg == "ES384") {
        bool p256 = jws.alg == "ES256";
        char group[16] = {};
        size_t len = 0;
        if (!EVP_PKEY_is_a(key, "EC") ||
            EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
            crypto::drain_errors();
            return false;
        }
        if (std::string_view(group) != (p256 ? "prime256v1" : "secp384r1")) return false;
        auto der = ecdsa_der(jws.signature, p256 ? 32 : 48);
        return der && digest_verify(key, p256 ? EVP_sha256() : EVP_sha384(), input, *der);
    }
    if (jws.alg == "EdDSA") return EVP_PKEY_is_a(key, "ED25519") && digest_verify(key, nullptr, input, jws.signature);
    return false;
}

json payload_object(const Jws& jws, const char* what) {
    json j = json::parse(jws.payload, nullptr, false);
    if (!j.is_object()) {
        throw malformed(std::string(what) + ": the payload is not a JSON object",
                        std::string(what) + ": ペイロードが JSON オブジェクトではありません。");
    }
    return j;
}

}  // namespace inkan::acme

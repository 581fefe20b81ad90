#include "crypto/seal.hpp"

#include "crypto/ossl.hpp"
#include "crypto/random.hpp"
#include "util/error.hpp"

namespace inkan::crypto {

namespace {
constexpr size_t kNonce = 12, kTag = 16;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

CipherCtx start(std::string_view key, std::string_view nonce, std::string_view context, bool encrypt) {
    if (key.size() != kSealKeyBytes) throw InternalError("seal: the key must be 32 bytes");
    CipherCtx ctx(check_ptr(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new"));
    check(EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce), encrypt ? 1 : 0) == 1,
          "EVP_CipherInit_ex");
    int len = 0;
    check(EVP_CipherUpdate(ctx.get(), nullptr, &len, bytes(context), static_cast<int>(context.size())) == 1, "GCM AAD");
    return ctx;
}
}  // namespace

std::string seal(std::string_view key, std::string_view plaintext, std::string_view context) {
    std::string nonce = random_bytes(kNonce);
    auto ctx = start(key, nonce, context, true);
    std::string out = nonce + std::string(plaintext.size(), '\0');
    int len = 0;
    check(EVP_CipherUpdate(ctx.get(), bytes(out) + kNonce, &len, bytes(plaintext), static_cast<int>(plaintext.size())) == 1,
          "GCM encrypt");
    check(EVP_CipherFinal_ex(ctx.get(), bytes(out) + kNonce + len, &len) == 1, "GCM final");
    std::string tag(kTag, '\0');
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, tag.data()) == 1, "GCM tag");
    return out + tag;
}

std::optional<std::string> unseal(std::string_view key, std::string_view sealed, std::string_view context) {
    if (key.size() != kSealKeyBytes || sealed.size() < kNonce + kTag) return std::nullopt;
    auto ctx = start(key, sealed.substr(0, kNonce), context, false);
    std::string_view body = sealed.substr(kNonce, sealed.size() - kNonce - kTag);
    std::string tag(sealed.substr(sealed.size() - kTag));
    std::string out(body.size(), '\0');
    int len = 0;
    check(EVP_CipherUpdate(ctx.get(), bytes(out), &len, bytes(body), static_cast<int>(body.size())) == 1, "GCM decrypt");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1, "GCM set tag");
    if (EVP_CipherFinal_ex(ctx.get(), bytes(out) + len, &len) != 1) {
        drain_errors();
        OPENSSL_cleanse(out.data(), out.size());
        return std::nullopt;
    }
    return out;
}

}  // namespace inkan::crypto

#include "crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <vector>

#include "crypto/encoding.hpp"
#include "crypto/ossl.hpp"
#include "crypto/random.hpp"

namespace inkan::crypto {

namespace {
constexpr int kIterations = 100000;
constexpr size_t kHashLen = 32;

std::string pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
    std::string out(kHashLen, '\0');
    check(PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                            reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                            iterations, EVP_sha256(), static_cast<int>(kHashLen),
                            reinterpret_cast<unsigned char*>(out.data())) == 1,
          "PKCS5_PBKDF2_HMAC");
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}
}  // namespace

std::string sha256(std::string_view data) {
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_secret(std::string_view secret) {
    std::string salt = random_bytes(16);
    return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + base64(salt) + "$" +
           base64(pbkdf2(secret, salt, kIterations));
}

bool verify_secret(std::string_view secret, std::string_view encoded) {
    auto parts = split(encoded, '$');
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
    int iterations = 0;
    for (char c : parts[1]) {
        if (c < '0' || c > '9' || iterations > 10000000) return false;
        iterations = iterations * 10 + (c - '0');
    }
    if (iterations <= 0) return false;
    try {
        return constant_time_equal(pbkdf2(secret, unbase64(parts[2]), iterations), unbase64(parts[3]));
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace inkan::crypto

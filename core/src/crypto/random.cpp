#include "crypto/random.hpp"

#include <openssl/rand.h>

#include "crypto/encoding.hpp"
#include "crypto/ossl.hpp"

namespace inkan::crypto {

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    check(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1, "RAND_bytes");
    return out;
}

std::string random_token(size_t bytes) { return base64url(random_bytes(bytes)); }

std::string random_readable(size_t length) {
    const size_t n = kUnambiguousAlphabet.size();
    const unsigned limit = 256 - (256 % n);  // reject bytes that would bias the choice
    std::string out;
    while (out.size() < length) {
        for (unsigned char b : random_bytes(length * 2)) {
            if (b < limit && out.size() < length) out += kUnambiguousAlphabet[b % n];
        }
    }
    return out;
}

}  // namespace inkan::crypto

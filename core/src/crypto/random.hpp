// Secrets: random bytes, link tokens, human-friendly PINs and passwords.
#pragma once

#include <string>
#include <string_view>

namespace inkan::crypto {

std::string random_bytes(size_t n);

// URL-safe token carrying `bytes` of entropy (base64url, no padding).
std::string random_token(size_t bytes = 32);

// Characters a person can read back without confusing 0/O, 1/l/I.
inline constexpr std::string_view kUnambiguousAlphabet =
    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

// A secret of `length` characters from kUnambiguousAlphabet, unbiased.
std::string random_readable(size_t length);

}  // namespace inkan::crypto

// Hashes of tokens and certificates, and slow hashes of low-entropy PINs.
#pragma once

#include <string>
#include <string_view>

namespace inkan::crypto {

std::string sha256(std::string_view data);  // 32 raw bytes

// PBKDF2-HMAC-SHA256 with a random salt, encoded as
// "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".
std::string hash_secret(std::string_view secret);
// Constant-time check of `secret` against a hash_secret() result.
bool verify_secret(std::string_view secret, std::string_view encoded);

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace inkan::crypto

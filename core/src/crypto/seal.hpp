// Authenticated encryption (AES-256-GCM) of small secrets that must wait in
// the database for a moment, such as a private key whose certificate the
// signer has not issued yet.  The sealing key is handed to the requester
// only, so the row alone is useless to anyone who reads the database.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inkan::crypto {

inline constexpr size_t kSealKeyBytes = 32;

// nonce (12 bytes) || ciphertext || tag (16 bytes); `context` is bound as
// associated data, so a sealed value cannot be replayed under another context.
std::string seal(std::string_view key, std::string_view plaintext, std::string_view context);
// Empty when the key, the context or the bytes do not match.
std::optional<std::string> unseal(std::string_view key, std::string_view sealed, std::string_view context);

}  // namespace inkan::crypto

// Files the service desk's commands read and write: PEM inputs, and private
// keys (created with mode 0600 in a 0700 directory, never overwritten).
#pragma once

#include <string>

#include <openssl/evp.h>

namespace inkanctl {

// A new private key file DIR/FILE; refuses to replace an existing one.
void write_key(const std::string& dir, const std::string& file, EVP_PKEY* key);
// A new public file DIR/FILE (mode 0644), e.g. a certificate chain.
void write_public(const std::string& dir, const std::string& file, const std::string& text);
std::string read_file(const std::string& path);

}  // namespace inkanctl

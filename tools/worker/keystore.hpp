// The CA private keys: read only by the worker, from its own key directory.
#pragma once

#include <map>
#include <string>

#include "crypto/ossl.hpp"

namespace inkan::worker {

class KeyStore {
public:
    explicit KeyStore(std::string dir) : dir_(std::move(dir)) {}
    // The key file `ref` inside the directory; loaded once, then cached.
    EVP_PKEY* get(const std::string& ref);

private:
    std::string dir_;
    std::map<std::string, crypto::PKey> keys_;
};

}  // namespace inkan::worker

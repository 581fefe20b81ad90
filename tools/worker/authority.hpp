// The active CA of a role, with its key from the worker's key directory.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/ossl.hpp"
#include "store/pg.hpp"
#include "worker/keystore.hpp"

namespace inkan::worker {

struct Authority {
    int64_t id = 0;
    crypto::X509Ptr cert;
    EVP_PKEY* key = nullptr;  // owned by the KeyStore
};

// Throws InternalError naming the role when there is no active CA for it.
Authority load_authority(store::Connection& c, KeyStore& keys, const std::string& role);
Authority load_authority_by_id(store::Connection& c, KeyStore& keys, int64_t id);

}  // namespace inkan::worker

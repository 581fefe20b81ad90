// A stored certificate with the CA certificates above it, as the RA hands
// them out (PKCS#12 bundles, download formats).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/ossl.hpp"
#include "store/pg.hpp"

namespace inkan::store {

struct Chained {
    crypto::X509Ptr cert;
    std::vector<crypto::X509Ptr> issuers;  // nearest first; the last one is the root
};

Chained load_with_issuers(store::Connection& c, int64_t certificate_id);

}  // namespace inkan::store

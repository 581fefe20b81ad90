// Asks the worker for an officer certificate and waits for it.  The private
// key stays in this process's memory; only the public key is queued.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/chains.hpp"
#include "crypto/ossl.hpp"
#include "store/pool.hpp"

namespace inkan::enroll {

// operation: "issue" or "renew".  Throws Error 514 when the worker does not
// sign within the signing_wait_seconds setting (the request is cancelled).
store::Chained request_officer_certificate(store::Pool& pool, int64_t officer_id, int64_t institution_id, EVP_PKEY* key,
                                   const std::string& operation);

}  // namespace inkan::enroll

// Keys made by the signer for the people it certifies (client and S/MIME
// profiles): generated here, never stored in clear, sealed at once into a
// PKCS#12 under the access PIN (the officer's preset one or a fresh one).
#pragma once

#include <cstdint>

#include "crypto/ossl.hpp"
#include "profile/profile.hpp"
#include "store/applications.hpp"
#include "store/pg.hpp"

namespace inkan::worker {

// Whether certificates of the profile get their key pair from the signer.
bool keys_made_here(const profile::Profile& p);

// A fresh key of the profile's first key type.
crypto::PKey generate_key(const profile::Profile& p);

// The PKCS#12 (key, certificate, issuing CA) under the PIN, stored for the
// mailer and the end user; the key leaves this process only inside it.
void store_credential(store::Connection& c, const store::QueuedIssuance& a, int64_t certificate_id, EVP_PKEY* key,
                      X509* cert, X509* issuer, bool legacy_pkcs12);

}  // namespace inkan::worker

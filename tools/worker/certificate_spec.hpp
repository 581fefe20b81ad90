// What a certificate will contain, built from its profile: subject, key,
// validity, key usage, EKU, and the status pointers (CRL, OCSP, CA issuers).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "ca/builder.hpp"
#include "profile/profile.hpp"
#include "store/applications.hpp"
#include "store/pg.hpp"

namespace inkan::worker {

// The settings that shape certificates, read once per issuance; the status
// URLs stay empty for a profile without status pointers.
struct IssuanceSettings {
    std::string crl_url, ocsp_url, ca_issuers_url;
    std::vector<std::string> policy_oids;  // of the profile's policy setting
    bool rsa_key_encipherment = false;
    bool legacy_pkcs12 = false;

    IssuanceSettings(store::Connection& c, const profile::Profile& p);
};

// The certificate for `a` under profile `p`, issued by the CA `ca_id` whose
// own certificate ends at `ca_not_after`.
ca::CertSpec certificate_spec(const profile::Profile& p, const IssuanceSettings& s, const store::QueuedIssuance& a,
                              EVP_PKEY* public_key, int64_t ca_id, std::time_t ca_not_after);

}  // namespace inkan::worker

// Signs exactly what was linted: the to-be-signed certificate is built,
// linted under the profile's lint set, then those very bytes are signed.
#pragma once

#include "ca/builder.hpp"
#include "ca/lint.hpp"
#include "crypto/ossl.hpp"

namespace inkan::worker {

// Error 425 naming every finding when the lint refuses.
crypto::X509Ptr lint_and_sign(const ca::CertSpec& spec, const ca::LintExpectations& expect, X509* issuer, EVP_PKEY* ca_key);

}  // namespace inkan::worker

// Signs exactly what was linted: the to-be-signed certificate is built,
// linted under the profile's lint set, then those very bytes are signed.
#pragma once

#include "ca/builder.hpp"
#include "ca/lint.hpp"
#include "crypto/ossl.hpp"

namespace inkan::ca {

// Error 425 naming every finding when the lint refuses.
crypto::X509Ptr lint_and_sign(const CertSpec& spec, const LintExpectations& expect, X509* issuer, EVP_PKEY* ca_key);

}  // namespace inkan::ca

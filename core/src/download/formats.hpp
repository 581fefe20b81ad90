// The forms a certificate is offered in: PEM, CA chain, full chain, PKCS#7, DER.
#pragma once

#include <string>
#include <vector>

#include "crypto/ossl.hpp"

namespace inkan::download {

struct File {
    std::string content_type, extension, body;
};

// chain: the issuing CA certificates below the root, nearest first.
// Throws Error 530 for an unknown format.
File render(const std::string& format, X509* cert, const std::vector<crypto::X509Ptr>& chain);

}  // namespace inkan::download

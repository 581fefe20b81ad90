#include "worker/keystore.hpp"

#include <fstream>
#include <sstream>

#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkan::worker {

EVP_PKEY* KeyStore::get(const std::string& ref) {
    if (auto it = keys_.find(ref); it != keys_.end()) return it->second.get();
    if (ref.empty() || ref.find('/') != std::string::npos || ref[0] == '.') {
        throw InternalError("CA key reference '" + ref + "' is not a plain file name");
    }
    std::ifstream in(dir_ + "/" + ref);
    if (!in) throw InternalError("cannot read CA key " + dir_ + "/" + ref);
    std::stringstream pem;
    pem << in.rdbuf();
    return keys_.emplace(ref, crypto::key_from_pem(pem.str())).first->second.get();
}

}  // namespace inkan::worker

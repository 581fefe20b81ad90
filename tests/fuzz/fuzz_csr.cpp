// libFuzzer target: CSR parsing (one-line base64, PEM, DER) and the key
// checks of both server profiles.
#include <openssl/err.h>

#include <cstdint>
#include <string_view>
#include <variant>

#include "policy/csr.hpp"
#include "support/server_profiles.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto parsed = inkan::policy::parse_csr(input);
    if (auto* csr = std::get_if<inkan::policy::Csr>(&parsed)) {
        EVP_PKEY* key = X509_REQ_get0_pubkey(csr->req.get());
        static const auto rsa = inkan::testing::rsa_server_profile(), ecc = inkan::testing::ecc_server_profile();
        inkan::policy::check_key(key, rsa);
        inkan::policy::check_key(key, ecc);
    }
    ERR_clear_error();
    return 0;
}

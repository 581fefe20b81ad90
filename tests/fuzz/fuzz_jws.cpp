// libFuzzer target: the ACME request parser — flattened JWS, protected
// header, JWK import (RSA, EC, Ed25519) and signature verification — and a
// binding or key-change inner JWS from the same bytes.
#include <openssl/err.h>

#include <cstdint>
#include <string_view>

#include "acme/jws.hpp"
#include "acme/problem.hpp"

namespace {
void try_parse(std::string_view input, inkan::acme::JwsUse use) {
    try {
        auto jws = inkan::acme::parse_jws_text(input, use);
        if (jws.jwk) inkan::acme::verify_signature(jws, jws.jwk->key.get());
        if (!jws.payload.empty()) inkan::acme::payload_object(jws, "fuzz");
    } catch (const inkan::acme::Problem&) {
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    try_parse(input, inkan::acme::JwsUse::request);
    try_parse(input, inkan::acme::JwsUse::inner);
    try_parse(input, inkan::acme::JwsUse::binding);
    ERR_clear_error();
    return 0;
}

#include "policy/serial.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/ossl.hpp"

namespace inkan::policy {

std::optional<std::string> normalize_serial(std::string_view text) {
    bool hex = text.size() > 2 && (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X");
    std::string digits(hex ? text.substr(2) : text);
    if (digits.empty() || digits.size() > 48 ||
        !std::all_of(digits.begin(), digits.end(), [&](char c) {
            return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : (c >= '0' && c <= '9');
        })) {
        return std::nullopt;
    }
    BIGNUM* raw = nullptr;
    if ((hex ? BN_hex2bn(&raw, digits.c_str()) : BN_dec2bn(&raw, digits.c_str())) == 0) return std::nullopt;
    crypto::BigNum bn(raw);
    char* h = BN_bn2hex(bn.get());
    std::string out(h);
    OPENSSL_free(h);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace inkan::policy

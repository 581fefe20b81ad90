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

std::vector<std::string> serial_candidates(std::string_view text) {
    std::string compact;
    for (char c : text) {
        if (c != ':' && c != ' ') compact += c;
    }
    std::vector<std::string> out;
    auto add = [&](std::optional<std::string> s) {
        if (s && std::find(out.begin(), out.end(), *s) == out.end()) out.push_back(*s);
    };
    bool digits_only = !compact.empty() && std::all_of(compact.begin(), compact.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits_only && compact.size() == text.size()) add(normalize_serial(compact));  // decimal, as UPKI files write it
    add(normalize_serial(compact.rfind("0x", 0) == 0 || compact.rfind("0X", 0) == 0 ? compact : "0x" + compact));
    return out;
}

SerialNotations serial_notations(const std::string& stored_hex) {
    SerialNotations out;
    out.hex = "0x" + stored_hex;
    BIGNUM* raw = nullptr;
    if (!stored_hex.empty() && BN_hex2bn(&raw, stored_hex.c_str()) != 0) {
        crypto::BigNum bn(raw);
        char* d = BN_bn2dec(bn.get());
        out.decimal = d;
        OPENSSL_free(d);
    }
    // Whole octets: an odd number of hex digits gets its leading zero back.
    std::string even = stored_hex.size() % 2 ? "0" + stored_hex : stored_hex;
    for (size_t i = 0; i < even.size(); i += 2) out.colons += (i ? ":" : "") + even.substr(i, 2);
    return out;
}

}  // namespace inkan::policy

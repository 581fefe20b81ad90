#include "crypto/encoding.hpp"

#include <openssl/evp.h>

#include "util/error.hpp"

namespace inkan::crypto {

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string base64url(std::string_view bytes) {
    std::string out = base64(bytes);
    for (char& c : out) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

std::string unbase64(std::string_view text) {
    std::string clean;
    for (char c : text) {
        if (c != '\r' && c != '\n' && c != ' ' && c != '\t') clean += c;
    }
    if (clean.size() % 4 != 0) throw InternalError("base64: length is not a multiple of 4");
    std::string out(clean.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
    if (n < 0) throw InternalError("base64: invalid character");
    size_t pad = 0;
    if (!clean.empty() && clean.back() == '=') pad++;
    if (clean.size() > 1 && clean[clean.size() - 2] == '=') pad++;
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

std::string unbase64url(std::string_view text) {
    std::string standard(text);
    for (char& c : standard) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '+' || c == '/' || c == '=') throw InternalError("base64url: invalid character");
    }
    while (standard.size() % 4 != 0) standard += '=';
    return unbase64(standard);
}

}  // namespace inkan::crypto

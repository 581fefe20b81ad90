// Byte encodings used across the core: hex, base64, base64url.
#pragma once

#include <string>
#include <string_view>

namespace inkan::crypto {

std::string hex(std::string_view bytes);
std::string base64(std::string_view bytes);
std::string base64url(std::string_view bytes);
// base64url without padding (as base64url() writes it); throws InternalError on bad input.
std::string unbase64url(std::string_view text);
// Decodes standard base64 (whitespace ignored); throws InternalError on bad input.
std::string unbase64(std::string_view text);

}  // namespace inkan::crypto

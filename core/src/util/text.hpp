// Rules every stored or displayed text obeys, whatever it came through:
// valid UTF-8, counted in characters, free of control characters.
#pragma once

#include <cstddef>
#include <string>
#include <vector>
#include <string_view>

namespace inkan::text {

// Well-formed UTF-8: no overlong forms, surrogates or values past U+10FFFF.
bool valid_utf8(std::string_view s);
// Length in characters (code points), as UPKI counts full-width text.
size_t utf8_length(std::string_view s);
// NUL, TAB, CR, LF, the other C0 controls or DEL: they truncate strings in
// libpq, forge rows in TSV exports and split mail headers.
bool has_control_character(std::string_view s);

// The items of a comma-separated list, trimmed of spaces; empty items dropped.
std::vector<std::string> comma_list(std::string_view text);
// ASCII letters in lower case (host names, media types, hex).
std::string lower(std::string_view s);
// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// Percent-encoding of everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace inkan::text

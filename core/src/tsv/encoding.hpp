// Character encodings of UPKI files: Shift_JIS (Windows-31J / CP932) as
// NII's tool writes them, and UTF-8 with or without BOM.
#pragma once

#include <string>
#include <string_view>

namespace inkan::tsv {

struct Decoded {
    std::string text;      // UTF-8
    std::string encoding;  // "UTF-8", "UTF-8 (BOM)", "Shift_JIS (CP932)", "ASCII"
};

// Throws Error 422 naming the line at fault: bytes that are neither, a line
// in another encoding than the file's first non-ASCII line, or EUC-JP.
Decoded decode(std::string_view bytes);
// For exports; characters CP932 lacks become '?' rather than failing.
std::string to_cp932(std::string_view utf8);

}  // namespace inkan::tsv

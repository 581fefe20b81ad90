#include "tsv/encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "util/error.hpp"

namespace inkan::tsv {

namespace {
class Iconv {
public:
    Iconv(const char* to, const char* from) : cd_(iconv_open(to, from)) {
        if (cd_ == reinterpret_cast<iconv_t>(-1)) throw InternalError(std::string("iconv_open ") + from + " -> " + to);
    }
    ~Iconv() { iconv_close(cd_); }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;

    // Converts all of `in`; returns the offset of the first bad byte, or npos.
    size_t convert(std::string_view in, std::string& out, bool substitute) {
        char* src = const_cast<char*>(in.data());
        size_t left = in.size();
        char buf[4096];
        while (left > 0) {
            char* dst = buf;
            size_t room = sizeof buf;
            size_t rc = iconv(cd_, &src, &left, &dst, &room);
            out.append(buf, static_cast<size_t>(dst - buf));
            if (rc == static_cast<size_t>(-1) && errno != E2BIG) {
                if (!substitute) return in.size() - left;
                out += '?';
                // Skip one UTF-8 character.
                do {
                    src++;
                    left--;
                } while (left > 0 && (static_cast<unsigned char>(*src) & 0xC0) == 0x80);
            }
        }
        return std::string_view::npos;
    }

private:
    iconv_t cd_;
};

size_t line_of(std::string_view bytes, size_t offset) {
    return 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<long>(offset), '\n'));
}
}  // namespace

bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (size_t k = 1; k <= n; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

size_t utf8_length(std::string_view s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Decoded decode(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
        std::string_view rest = bytes.substr(3);
        if (valid_utf8(rest)) return {std::string(rest), "UTF-8 (BOM)"};
    } else if (std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        return {std::string(bytes), "ASCII"};
    } else if (valid_utf8(bytes)) {
        return {std::string(bytes), "UTF-8"};
    }
    Decoded d{"", "Shift_JIS (CP932)"};
    Iconv cv("UTF-8", "CP932");
    size_t bad = cv.convert(bytes, d.text, false);
    if (bad != std::string_view::npos) {
        std::string line = std::to_string(line_of(bytes, bad));
        throw Error("422", {"文字コードが Shift_JIS (CP932) でも UTF-8 でもありません (" + line + " 行目)。",
                            "The file is neither Shift_JIS (CP932) nor UTF-8 (line " + line + ")."});
    }
    return d;
}

std::string to_cp932(std::string_view utf8) {
    std::string out;
    Iconv cv("CP932", "UTF-8");
    cv.convert(utf8, out, true);
    return out;
}

}  // namespace inkan::tsv

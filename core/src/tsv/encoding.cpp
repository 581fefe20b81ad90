#include "tsv/encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "util/error.hpp"
#include "util/text.hpp"

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

}  // namespace

namespace {
Error encoding_error(size_t line, const std::string& ja_why, const std::string& en_why) {
    std::string n = std::to_string(line);
    return Error("422", {n + " 行目: " + ja_why, "Line " + n + ": " + en_why}).at_line(static_cast<int>(line));
}

bool ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// EUC-JP text has no byte in 0x80-0xA0 except the single shifts 0x8E/0x8F,
// while CP932 kanji and kana lead bytes are mostly 0x81-0x9F.  Such a file
// that also converts cleanly from EUC-JP is EUC-JP: read as CP932 it would
// be stored as mojibake.
bool looks_like_euc_jp(std::string_view bytes) {
    bool high_only = std::none_of(bytes.begin(), bytes.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x80 && u <= 0xA0 && u != 0x8E && u != 0x8F;
    });
    if (!high_only) return false;
    std::string ignored;
    return Iconv("UTF-8", "EUC-JP").convert(bytes, ignored, false) == std::string_view::npos;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        out.push_back(text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

// A file that is not UTF-8 as a whole: Shift_JIS, unless its lines disagree
// (one UTF-8, another not) or it is another Japanese encoding.  Each error
// names the line at fault, not the first line that differs from UTF-8.
Decoded decode_cp932(std::string_view bytes) {
    auto lines = lines_of(bytes);
    size_t first = 0;  // 1-based number of the first line with non-ASCII bytes
    for (size_t i = 0; i < lines.size() && !first; ++i) {
        if (!ascii(lines[i])) first = i + 1;
    }
    std::string where = std::to_string(first);
    if (text::valid_utf8(lines[first - 1])) {
        for (size_t i = first; i < lines.size(); ++i) {
            if (!text::valid_utf8(lines[i])) {
                throw encoding_error(i + 1, "UTF-8 ではありません (" + where + " 行目は UTF-8 です)。ファイル全体を同じ文字コードで保存してください。",
                                     "not UTF-8, while line " + where + " is; save the whole file in one encoding.");
            }
        }
    }
    if (looks_like_euc_jp(bytes)) {
        throw encoding_error(first, "EUC-JP のようです。Shift_JIS (CP932) か UTF-8 で保存してください。",
                             "this looks like EUC-JP; save the file as Shift_JIS (CP932) or UTF-8.");
    }
    Decoded d{"", "Shift_JIS (CP932)"};
    Iconv cv("UTF-8", "CP932");
    for (size_t i = 0; i < lines.size(); ++i) {
        if (!ascii(lines[i]) && text::valid_utf8(lines[i])) {
            throw encoding_error(i + 1, "UTF-8 です (" + where + " 行目は Shift_JIS です)。ファイル全体を同じ文字コードで保存してください。",
                                 "UTF-8, while line " + where + " is Shift_JIS; save the whole file in one encoding.");
        }
        if (cv.convert(lines[i], d.text, false) != std::string_view::npos) {
            throw encoding_error(i + 1, "文字コードが Shift_JIS (CP932) でも UTF-8 でもありません。",
                                 "neither Shift_JIS (CP932) nor UTF-8.");
        }
    }
    return d;
}
}  // namespace

Decoded decode(std::string_view bytes) {
    bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
    std::string_view rest = bom ? bytes.substr(3) : bytes;
    if (ascii(rest)) return {std::string(rest), bom ? "UTF-8 (BOM)" : "ASCII"};
    if (text::valid_utf8(rest)) return {std::string(rest), bom ? "UTF-8 (BOM)" : "UTF-8"};
    if (bom) {
        auto lines = lines_of(rest);
        for (size_t i = 0; i < lines.size(); ++i) {
            if (!text::valid_utf8(lines[i])) {
                throw encoding_error(i + 1, "UTF-8 (BOM 付き) のファイルに UTF-8 でない文字があります。",
                                     "the file starts with a UTF-8 BOM but this line is not UTF-8.");
            }
        }
    }
    return decode_cp932(rest);
}

std::string to_cp932(std::string_view utf8) {
    std::string out;
    Iconv cv("CP932", "UTF-8");
    cv.convert(utf8, out, true);
    return out;
}

}  // namespace inkan::tsv

#include "http/multipart.hpp"

#include <strings.h>

#include "util/error.hpp"

namespace inkan::http {

namespace {
[[noreturn]] void malformed(const std::string& what) {
    throw Error("530", {"multipart/form-data の形式が正しくありません: " + what,
                        "Malformed multipart/form-data body: " + what});
}

// The value of `key` in a header parameter list: key="value" or key=value.
std::optional<std::string> param(std::string_view header, std::string_view key) {
    size_t pos = 0;
    while ((pos = header.find(key, pos)) != std::string_view::npos) {
        bool boundary_before = pos == 0 || header[pos - 1] == ';' || header[pos - 1] == ' ';
        size_t eq = pos + key.size();
        if (boundary_before && eq < header.size() && header[eq] == '=') {
            std::string_view rest = header.substr(eq + 1);
            if (!rest.empty() && rest.front() == '"') {
                size_t close = rest.find('"', 1);
                if (close == std::string_view::npos) return std::nullopt;
                return std::string(rest.substr(1, close - 1));
            }
            return std::string(rest.substr(0, rest.find(';')));
        }
        pos = eq;
    }
    return std::nullopt;
}
}  // namespace

std::vector<Part> parse_multipart(std::string_view body, std::string_view content_type) {
    auto boundary = param(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 200) malformed("no boundary");
    const std::string delimiter = "--" + *boundary;
    std::vector<Part> parts;
    size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos) malformed("boundary not found");
    while (true) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") break;  // closing delimiter
        if (body.substr(pos, 2) != "\r\n") malformed("delimiter not followed by CRLF");
        pos += 2;
        size_t headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos) malformed("part headers do not end");
        std::string_view headers = body.substr(pos, headers_end - pos);
        size_t data_start = headers_end + 4;
        size_t next = body.find("\r\n" + delimiter, data_start);
        if (next == std::string_view::npos) malformed("part does not end");
        Part part;
        bool has_disposition = false;
        while (!headers.empty()) {
            size_t eol = headers.find("\r\n");
            std::string_view line = headers.substr(0, eol);
            if (line.size() > 20 && strncasecmp(line.data(), "Content-Disposition:", 20) == 0) {
                has_disposition = true;
                auto name = param(line, "name");
                if (!name) malformed("part without a name");
                part.name = *name;
                part.filename = param(line, "filename");
            }
            if (eol == std::string_view::npos) break;
            headers.remove_prefix(eol + 2);
        }
        if (!has_disposition) malformed("part without Content-Disposition");
        part.data = std::string(body.substr(data_start, next - data_start));
        parts.push_back(std::move(part));
        pos = next + 2;
        if (parts.size() > 32) malformed("too many parts");
    }
    return parts;
}

}  // namespace inkan::http

#include "http/request.hpp"

#include <unistd.h>

#include "http/multipart.hpp"

#include <strings.h>

#include <cctype>

namespace inkan::http {

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string url_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}
}  // namespace

std::map<std::string, std::string> parse_urlencoded(std::string_view text) {
    std::map<std::string, std::string> out;
    while (!text.empty()) {
        size_t amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        size_t eq = pair.find('=');
        std::string key = url_decode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
        if (!key.empty()) out.emplace(std::move(key), std::move(value));  // first value wins
        if (amp == std::string_view::npos) break;
        text.remove_prefix(amp + 1);
    }
    return out;
}

std::string merge_slashes(std::string_view path) {
    std::string out;
    for (char c : path) {
        if (c != '/' || out.empty() || out.back() != '/') out += c;
    }
    return out;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
    }
    return std::nullopt;
}

std::map<std::string, std::string> Request::query_params() const { return parse_urlencoded(query); }

const std::map<std::string, std::string>& Request::form() const {
    if (form_) return *form_;
    // Parsed into a local first: a body that does not parse throws every time.
    std::map<std::string, std::string> fields;
    auto type = header("Content-Type");
    if (type && type->find("application/x-www-form-urlencoded") != std::string_view::npos) {
        fields = parse_urlencoded(body);
    } else if (type && type->find("multipart/form-data") != std::string_view::npos) {
        for (auto& part : parse_multipart(body, *type)) fields.emplace(part.name, std::move(part.data));
    }
    form_ = std::move(fields);
    return *form_;
}

Lang Request::lang() const {
    auto q = query_params();
    if (auto it = q.find("lang"); it != q.end()) return it->second == "en" ? Lang::en : Lang::ja;
    auto al = header("Accept-Language");
    if (!al) return Lang::ja;
    // The first listed language decides; browsers list the preferred one first.
    std::string_view first = al->substr(0, al->find_first_of(",;"));
    return first.substr(0, 2) == "en" ? Lang::en : Lang::ja;
}

std::string Request::cookie(std::string_view name) const {
    auto h = header("Cookie");
    if (!h) return "";
    std::string_view rest = *h;
    while (!rest.empty()) {
        size_t end = rest.find(';');
        std::string_view pair = rest.substr(0, end);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return "";
}

bool Request::wants_json() const {
    if (endpoint == "officer" || endpoint == "enroll" || endpoint == "download" || path.rfind("/api/", 0) == 0) return true;
    auto accept = header("Accept");
    return accept && accept->find("application/json") != std::string_view::npos &&
           accept->find("text/html") == std::string_view::npos;
}

std::string Request::link(std::string_view rel) const {
    std::string base = mount;
    if (base.empty() || base.back() != '/') base += '/';
    return base + std::string(rel);
}

FileBody::~FileBody() {
    if (fd_ >= 0) ::close(fd_);
}

int FileBody::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

Response Response::html(int status, std::string body) {
    return Response{status,
                    {{"Content-Type", "text/html; charset=utf-8"},
                     {"Cache-Control", "no-store"},
                     {"X-Content-Type-Options", "nosniff"},
                     {"X-Frame-Options", "DENY"},
                     {"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"}},
                    std::move(body)};
}

Response Response::json(int status, std::string body) {
    return Response{status,
                    {{"Content-Type", "application/json"},
                     {"Cache-Control", "no-store"},
                     {"X-Content-Type-Options", "nosniff"}},
                    std::move(body)};
}

}  // namespace inkan::http

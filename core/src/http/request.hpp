// The request and response that cross the C ABI, as C++ values.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/text.hpp"

namespace inkan::http {

using inkan::Lang;

struct Request {
    std::string endpoint;
    std::string method;
    std::string mount;  // configured location, e.g. "/ra/"
    std::string path;   // below the mount, always starting with '/'
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool tls = false;
    std::string client_verify;
    std::string client_cert;
    std::string peer;

    // Case-insensitive header lookup.
    std::optional<std::string_view> header(std::string_view name) const;
    // Query parameters (application/x-www-form-urlencoded).
    std::map<std::string, std::string> query_params() const;
    // Form fields from an urlencoded or multipart/form-data body (files
    // included, by field name); parsed on first use, then cached.
    const std::map<std::string, std::string>& form() const;
    // ?lang= first, then Accept-Language; Japanese unless English is preferred.
    Lang lang() const;
    // True for the officer, enroll and download APIs, /api/ paths, and clients that prefer JSON (Accept).
    bool wants_json() const;
    // The value of a cookie from the Cookie header ("" when absent).
    std::string cookie(std::string_view name) const;
    // Link to `rel` below the mount, e.g. link("pickup") -> "/enroll/pickup".
    std::string link(std::string_view rel) const;

private:
    mutable std::optional<std::map<std::string, std::string>> form_;
};

// A body spooled to a file (http/spool.hpp): an open descriptor of an
// unlinked file, closed when the last holder lets go unless released to the
// glue, which sends and closes it.
class FileBody {
public:
    FileBody(int fd, size_t size) : fd_(fd), size_(size) {}
    ~FileBody();
    FileBody(const FileBody&) = delete;
    FileBody& operator=(const FileBody&) = delete;
    int release();
    size_t size() const { return size_; }

private:
    int fd_;
    size_t size_;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::shared_ptr<FileBody> file;  // when set, the body, and `body` stays empty

    static Response html(int status, std::string body);
    static Response json(int status, std::string body);
};

// Decodes application/x-www-form-urlencoded text.
std::map<std::string, std::string> parse_urlencoded(std::string_view text);
// Percent-encoding (util/text), named here for the handlers.
using text::url_encode;
// "/a//b///c" -> "/a/b/c".
std::string merge_slashes(std::string_view path);

}  // namespace inkan::http

// multipart/form-data bodies (RFC 7578): the upload form's file and fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::http {

struct Part {
    std::string name;
    std::optional<std::string> filename;
    std::string data;
};

// Throws Error 530 naming what is malformed.
std::vector<Part> parse_multipart(std::string_view body, std::string_view content_type);

}  // namespace inkan::http

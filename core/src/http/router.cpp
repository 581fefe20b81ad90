#include "http/router.hpp"

#include "util/catalogue.hpp"
#include "util/codes.hpp"

namespace inkan::http {

bool path_matches(std::string_view pattern, std::string_view path, Captured& out) {
    size_t brace = pattern.find('{');
    if (brace == std::string_view::npos) return pattern == path;
    if (path.substr(0, brace) != pattern.substr(0, brace)) return false;
    std::string_view rest = path.substr(brace);
    if (pattern.substr(brace) == "{*}") return true;
    if (pattern.substr(brace, 4) != "{id}") return false;
    std::string_view tail = pattern.substr(brace + 4);
    size_t digits = 0;
    while (digits < rest.size() && digits < 18 && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0 || rest.substr(digits) != tail) return false;
    out.id = std::stoll(std::string(rest.substr(0, digits)));
    return true;
}

bool method_matches(std::string_view route_method, std::string_view request_method) {
    return route_method == request_method || (route_method == "GET" && request_method == "HEAD");
}

Error not_found() { return catalogued(codes::kNotFound); }

Error method_not_allowed(const std::string& allow) {
    return Error(codes::kMethodNotAllowed, {"このメソッドは使用できません (" + allow + ")。", "Method not allowed (use " + allow + ")."},
                 405)
        .with_header("Allow", allow);
}

}  // namespace inkan::http

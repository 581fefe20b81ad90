#include "tsv/dn.hpp"

#include <cctype>

namespace inkan::tsv {

namespace {
// "TYPE=" at `pos`: one or more upper-case letters followed by '='.
size_t type_length(std::string_view s, size_t pos) {
    size_t i = pos;
    while (i < s.size() && std::isupper(static_cast<unsigned char>(s[i]))) ++i;
    return i > pos && i < s.size() && s[i] == '=' ? i - pos : 0;
}
}  // namespace

std::optional<std::vector<Rdn>> parse_dn(std::string_view text) {
    std::vector<Rdn> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t tl = type_length(text, pos);
        if (tl == 0) return std::nullopt;
        std::string type(text.substr(pos, tl));
        size_t value_start = pos + tl + 1;
        size_t end = value_start;
        while (end < text.size() && !(text[end] == ',' && type_length(text, end + 1) > 0)) ++end;
        std::string value(text.substr(value_start, end - value_start));
        if (value.empty() || value.front() == ' ' || value.back() == ' ') return std::nullopt;
        out.emplace_back(std::move(type), std::move(value));
        if (end == text.size()) break;
        pos = end + 1;
    }
    if (out.empty()) return std::nullopt;
    return out;
}

std::string format_dn(const std::vector<Rdn>& rdns) {
    std::string out;
    for (const auto& [type, value] : rdns) out += (out.empty() ? "" : ",") + type + "=" + value;
    return out;
}

std::string dn_value(const std::vector<Rdn>& rdns, std::string_view type) {
    for (const auto& [t, v] : rdns) {
        if (t == type) return v;
    }
    return "";
}

}  // namespace inkan::tsv

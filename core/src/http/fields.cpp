#include "http/fields.hpp"

#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkan::http {

void check_text(std::string_view value, const std::string& field) {
    if (!text::valid_utf8(value)) {
        throw Error(codes::kInvalidUtf8,
                    {"項目 " + field + " が UTF-8 ではありません。", "The field " + field + " is not valid UTF-8."}, 400)
            .about(field);
    }
    if (text::has_control_character(value)) {
        throw Error(codes::kControlCharacter,
                    {"項目 " + field + " に制御文字 (NUL、タブ、改行など) が含まれています。",
                     "The field " + field + " contains a control character (NUL, TAB, line break, ...)."},
                    400)
            .about(field);
    }
}

std::string text_field(const std::map<std::string, std::string>& fields, const std::string& name) {
    auto it = fields.find(name);
    if (it == fields.end()) return "";
    check_text(it->second, name);
    return it->second;
}

}  // namespace inkan::http

#include "workflow/line_rules.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace inkan::workflow {

bool digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool comment_ok(const std::string& s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        unsigned char u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"' || c == '\\';
    });
}

void check_basics(const std::vector<std::string>& fields, std::span<const ColumnSpec> columns,
                  const std::function<bool(size_t)>& required, size_t comment_col, Collector& err) {
    for (size_t col = 0; col < columns.size(); ++col) {
        if (col != comment_col && text::has_control_character(fields[col])) {
            err.add("428", col, {"制御文字 (NUL など) が含まれています。", "The field contains a control character (such as NUL)."});
        } else if (required(col) && fields[col].empty()) {
            err.add("201", col, {"必須項目が入力されていません。", "This field is required."});
        } else if (columns[col].max_len > 0 && text::utf8_length(fields[col]) > columns[col].max_len) {
            err.add("202", col, {std::to_string(columns[col].max_len) + "文字以内で入力してください。",
                                 "At most " + std::to_string(columns[col].max_len) + " characters."});
        }
    }
}

bool open_line(const std::vector<std::string>& fields, size_t expected, TableColumns table, bool institution_active,
               LineResult& result, Collector& err) {
    size_t got = fields.size();
    if (got != expected) {
        err.add("421", Message{"行", "Line"},
                {"項目数が " + std::to_string(got) + " です (" + std::to_string(expected) + "項目をタブ区切りで指定してください)。",
                 "The line has " + std::to_string(got) + " fields (" + std::to_string(expected) +
                     " TAB-separated fields expected)."});
        return false;
    }
    result.subject_dn = fields[table.subject_dn];
    result.name = fields[table.name];
    result.affiliation = fields[table.affiliation];
    result.mail = fields[table.mail];
    if (!institution_active) {
        err.add("215", table.subject_dn, {"機関が有効ではありません。", "The institution is not active."});
        return false;
    }
    return true;
}

std::optional<int> check_reason(const std::string& reason_text, const std::string& comment, size_t reason_col,
                                size_t comment_col, Collector& err) {
    int reason = std::stoi(reason_text);
    if (reason != 0 && reason != 1 && reason != 3 && reason != 4 && reason != 5) {
        err.add("420", reason_col, {"理由は 0, 1, 3, 4, 5 のいずれかです。", "The reason must be 0, 1, 3, 4 or 5."});
    } else if (reason == 0 && comment.empty()) {
        err.add("420", comment_col, {"理由 0 にはコメントが必要です。", "Reason 0 (unspecified) needs a comment."});
    }
    return reason;
}

}  // namespace inkan::workflow

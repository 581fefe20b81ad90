// TAB-separated rows as UPKI writes them: no header, no quoting, CRLF or LF,
// an optional final newline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace inkan::tsv {

struct Row {
    int number = 0;  // 1-based line number, as UPKI's SEQ
    std::vector<std::string> fields;
};

// Trailing empty lines are dropped; an empty line in the middle is a row
// with one empty field (and fails its checks).
std::vector<Row> split_rows(std::string_view text);

// The raw file with field `index` (0-based) of every line emptied, bytes
// otherwise unchanged.  Works on CP932 and UTF-8 alike: neither uses TAB, CR
// or LF inside a multi-byte character.
std::string blank_field(std::string_view raw, size_t index);

// One cell of an exported TSV: control characters become spaces, and a
// leading = + - @ gets an apostrophe so spreadsheets show it as text.
std::string export_cell(std::string_view value);
// Joins export_cell()s with TAB and ends the row with CRLF (exports).
std::string join_row(const std::vector<std::string>& fields);

// A ready-made 13-column server revocation line (reason 4, superseded) for
// the certificate `serial_hex` with `subject_dn`, as mails hand it out.
std::string server_revocation_line(const std::string& subject_dn, const std::string& serial_hex);

}  // namespace inkan::tsv

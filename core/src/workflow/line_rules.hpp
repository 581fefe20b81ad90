// The rules every line of a UPKI application file shares, whatever its
// layout (13-column server and ACME files, 15-column client files): the
// column table, the error collector, the basic per-field checks, numbers,
// revocation comments and reasons.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tsv/line_error.hpp"
#include "workflow/line.hpp"

namespace inkan::workflow {

struct ColumnSpec {
    Message name;
    size_t max_len;  // 0: no limit of its own
};

// Collects a line's errors, naming columns by their header in both languages.
class Collector {
public:
    Collector(LineResult& r, std::span<const ColumnSpec> columns) : r_(r), columns_(columns) {}
    void add(const char* code, size_t col, Message m) { r_.errors.push_back({code, columns_[col].name, std::move(m)}); }
    void add(const char* code, Message field, Message m) { r_.errors.push_back({code, std::move(field), std::move(m)}); }
    bool any() const { return !r_.errors.empty(); }

private:
    LineResult& r_;
    std::span<const ColumnSpec> columns_;
};

bool digits(const std::string& s);

// Revocation comments: no control characters and none of <>"\ (inkan's
// reading of UPKI's "bad character" rule, documented in docs/error-codes.md).
bool comment_ok(const std::string& s);

// Per column: a control character (428; the comment column keeps UPKI's
// 205 for that), a required field left empty (201), or one too long (202).
void check_basics(const std::vector<std::string>& fields, std::span<const ColumnSpec> columns,
                  const std::function<bool(size_t)>& required, size_t comment_col, Collector& err);

// Where a layout keeps what the result table shows of every line.
struct TableColumns {
    size_t subject_dn, name, affiliation, mail;
};

// What every line starts with: `expected` TAB-separated fields (421), the
// result table's cells, and an active institution (215).  False when the
// line ends there.
bool open_line(const std::vector<std::string>& fields, size_t expected, TableColumns table, bool institution_active,
               LineResult& result, Collector& err);

// The reason of a revocation or a suspension: an RFC 5280 code the BRs let a
// subscriber give (0, 1, 3, 4, 5), with a comment when it says nothing (0).
// `reason` has passed the digits check.
std::optional<int> check_reason(const std::string& reason, const std::string& comment, size_t reason_col,
                                size_t comment_col, Collector& err);

}  // namespace inkan::workflow

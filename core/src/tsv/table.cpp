#include "tsv/table.hpp"

namespace inkan::tsv {

std::vector<Row> split_rows(std::string_view text) {
    std::vector<Row> rows;
    int number = 0;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        Row row{++number, {}};
        size_t start = 0;
        for (size_t i = 0; i <= line.size(); ++i) {
            if (i == line.size() || line[i] == '\t') {
                row.fields.emplace_back(line.substr(start, i - start));
                start = i + 1;
            }
        }
        rows.push_back(std::move(row));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    while (!rows.empty() && rows.back().fields.size() == 1 && rows.back().fields[0].empty()) rows.pop_back();
    return rows;
}

std::string blank_field(std::string_view raw, size_t index) {
    std::string out;
    size_t field = 0;
    for (char ch : raw) {
        if (ch == '\n' || ch == '\r') {
            field = 0;
        } else if (ch == '\t') {
            field++;
        } else if (field == index) {
            continue;
        }
        out += ch;
    }
    return out;
}

std::string export_cell(std::string_view value) {
    std::string out;
    // A spreadsheet runs a cell that starts with = + - @ as a formula; the
    // apostrophe makes it text (and is visible, so nothing is hidden).
    if (!value.empty() && std::string_view("=+-@").find(value.front()) != std::string_view::npos) out += '\'';
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7f ? ' ' : c;  // a TAB or line break would forge cells and rows
    }
    return out;
}

std::string join_row(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += '\t';
        out += export_cell(fields[i]);
    }
    return out + "\r\n";
}

std::string server_revocation_line(const std::string& subject_dn, const std::string& serial_hex) {
    std::vector<std::string> f(13);
    f[0] = subject_dn;
    f[3] = "0x";  // (appending avoids a GCC 12 -Wrestrict false positive on "0x" + s)
    f[3] += serial_hex;
    f[4] = "4";
    return join_row(f);
}

}  // namespace inkan::tsv

#include "store/listing.hpp"

#include <libpq-fe.h>

namespace inkan::store {

namespace {
constexpr Oid kBool = 16, kInt8 = 20, kInt4 = 23;

nlohmann::ordered_json value(const Result& r, int row, int col, Oid type) {
    if (r.is_null(row, col)) return nullptr;
    switch (type) {
        case kBool: return r.boolean(row, col);
        case kInt8:
        case kInt4: return r.integer(row, col);
        default: return r.text(row, col);
    }
}
}  // namespace

nlohmann::ordered_json rows_json(const Result& r) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (int i = 0; i < r.rows(); ++i) {
        nlohmann::ordered_json row = nlohmann::ordered_json::object();
        for (int c = 0; c < r.columns(); ++c) {
            row[r.column(c)] = value(r, i, c, r.type(c));
        }
        out.push_back(std::move(row));
    }
    return out;
}

nlohmann::ordered_json first_row(const Result& r) {
    auto rows = rows_json(r);
    return rows.empty() ? nlohmann::ordered_json::object() : rows[0];
}

}  // namespace inkan::store

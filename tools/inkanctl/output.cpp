#include "output.hpp"

#include <algorithm>
#include <vector>

namespace inkanctl {

namespace {
std::string cell(const nlohmann::ordered_json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "-";
    if (v.is_array()) {
        std::string s;
        for (const auto& e : v) s += (s.empty() ? "" : ",") + cell(e);
        return s;
    }
    return v.dump();
}

void table(std::ostream& out, const nlohmann::ordered_json& rows) {
    if (rows.empty()) {
        out << "(none)\n";
        return;
    }
    std::vector<std::string> cols;
    for (const auto& [k, _] : rows[0].items()) cols.push_back(k);
    std::vector<size_t> width;
    for (const auto& c : cols) {
        size_t w = c.size();
        for (const auto& r : rows) w = std::max(w, cell(r.value(c, nlohmann::ordered_json())).size());
        width.push_back(w);
    }
    auto line = [&](auto value_of) {
        for (size_t i = 0; i < cols.size(); ++i) {
            std::string v = value_of(i);
            out << v << (i + 1 < cols.size() ? std::string(width[i] - v.size() + 2, ' ') : "");
        }
        out << "\n";
    };
    line([&](size_t i) { return cols[i]; });
    for (const auto& r : rows) line([&](size_t i) { return cell(r.value(cols[i], nlohmann::ordered_json())); });
}
}  // namespace

void print(std::ostream& out, const nlohmann::ordered_json& result, bool as_json) {
    if (as_json) {
        out << result.dump(2) << "\n";
    } else if (result.is_array()) {
        table(out, result);
    } else if (result.is_object()) {
        for (const auto& [k, v] : result.items()) {
            if (v.is_array() && !v.empty() && v[0].is_object()) {
                out << k << ":\n";
                table(out, v);
            } else {
                out << k << ": " << cell(v) << "\n";
            }
        }
    } else {
        out << cell(result) << "\n";
    }
}

void print_error(std::ostream& out, const std::string& code, const std::string& en, const std::string& ja, bool as_json) {
    if (as_json) {
        // The API's error shape (core/api/openapi.json).
        out << nlohmann::ordered_json{{"error", {{"code", code}, {"ja", ja}, {"en", en}, {"field", nullptr}, {"line", nullptr}}}}
                   .dump()
            << "\n";
    } else {
        out << "inkanctl: [" << code << "] " << en << "\n          " << ja << "\n";
    }
}

}  // namespace inkanctl

#include "store/settings_rows.hpp"

namespace inkan::store {

std::optional<std::string> setting_value(Connection& c, std::string_view name) {
    auto r = c.query("SELECT value FROM settings WHERE name = $1", name);
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
}

void put_setting(Connection& c, std::string_view name, std::string_view value) {
    c.query("INSERT INTO settings (name, value) VALUES ($1, $2) "
            "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
            name, value);
}

}  // namespace inkan::store

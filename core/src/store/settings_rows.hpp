// Repository of the settings table (name -> value); defaults and the
// shapes of values live in settings/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/pg.hpp"

namespace inkan::store {

std::optional<std::string> setting_value(Connection& c, std::string_view name);
void put_setting(Connection& c, std::string_view name, std::string_view value);

}  // namespace inkan::store

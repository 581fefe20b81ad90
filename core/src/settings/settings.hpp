// Service settings kept in the database, with documented defaults.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/pg.hpp"

namespace inkan::settings {

struct Known {
    std::string_view name;
    std::string_view default_value;  // empty: must be set before use
    std::string_view help;
};

const std::vector<Known>& known();

// The stored value, else the default; a setting with neither is an error (607).
std::string get(store::Connection& c, std::string_view name);
int64_t get_int(store::Connection& c, std::string_view name);
// For settings that may stay unset (e.g. optional URLs): "" when unset.
std::string get_optional(store::Connection& c, std::string_view name);
// Validates the name (and integer-ness where the default is an integer).
void set(store::Connection& c, std::string_view name, std::string_view value);

}  // namespace inkan::settings

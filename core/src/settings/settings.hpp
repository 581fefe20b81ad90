// Service settings kept in the database, with documented defaults.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/pg.hpp"

namespace inkan::settings {

// What a value must look like; checked by set().  Whole numbers are the
// settings whose default is one.
enum class Shape {
    text,
    boolean,       // true or false
    http_base,     // http://host/path/ (BRs: CRL and AIA URLs are plain http); <id>.crl etc. is appended
    http_url,      // http://host/path
    web_url,       // https:// or http://, e.g. links in mails
};

struct Known {
    std::string_view name;
    std::string_view default_value;  // empty: must be set before use
    std::string_view help;
    Shape shape = Shape::text;
};

const std::vector<Known>& known();

// The stored value, else the default; a setting with neither is an error (607).
std::string get(store::Connection& c, std::string_view name);
int64_t get_int(store::Connection& c, std::string_view name);
bool get_bool(store::Connection& c, std::string_view name);
// For settings that may stay unset (e.g. optional URLs): "" when unset.
std::string get_optional(store::Connection& c, std::string_view name);
// The console page `route` (e.g. "pickup") for `token`: officer_url + "#/<route>?t=<token>".
// The token rides in the URL fragment, which browsers never send, so neither a server log
// nor a mail scanner that prefetches the link sees it.
std::string console_link(store::Connection& c, std::string_view route, std::string_view token);
// Validates the name and the value's shape (607 naming the rule).
void set(store::Connection& c, std::string_view name, std::string_view value);

}  // namespace inkan::settings

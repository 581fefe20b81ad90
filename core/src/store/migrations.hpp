// Numbered, forward-only schema migrations (sql/NNN_name.sql), embedded at
// build time and applied in order by 'inkanctl migrate'.
#pragma once

#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct Migration {
    std::string name;  // file name, e.g. "001_foundation.sql"
    std::string sql;
};

const std::vector<Migration>& migrations();

// Applies the migrations not yet recorded in schema_migrations, each in its
// own transaction; returns the names applied.
std::vector<std::string> migrate(Connection& c);

}  // namespace inkan::store

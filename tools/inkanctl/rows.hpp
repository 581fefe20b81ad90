// Query results as JSON rows for inkanctl's output.
#pragma once

#include <nlohmann/json.hpp>

#include "store/pg.hpp"

namespace inkanctl {

// Each row an object keyed by column name; NULL becomes null, boolean and
// integer columns keep their type, everything else is text.
nlohmann::ordered_json rows_json(const inkan::store::Result& r);
nlohmann::ordered_json first_row(const inkan::store::Result& r);

}  // namespace inkanctl

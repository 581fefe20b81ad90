// Listings for people and tools (inkanctl's output): each row an object
// keyed by column name, so the fields stay named without a struct per list.
#pragma once

#include <nlohmann/json.hpp>

#include "store/pg.hpp"

namespace inkan::store {

// Each row an object keyed by column name; NULL becomes null, boolean and
// integer columns keep their type, everything else is text.
using Listing = nlohmann::ordered_json;

Listing rows_json(const Result& r);
// The first row's object ({} when there is none).
Listing first_row(const Result& r);

}  // namespace inkan::store

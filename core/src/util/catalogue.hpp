// The error catalogue: every code inkan answers with (docs/error-codes.md),
// its HTTP status and a one-line ja/en summary.  Call sites may say more in
// their message, but a code always carries the catalogue's status; a unit
// test keeps this table and the document the same.
#pragma once

#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace inkan {

struct CatalogueEntry {
    std::string_view code;
    int http_status;  // when the code answers a request; line errors appear inside a 200 result
    Message summary;
};

const std::vector<CatalogueEntry>& catalogue();
// Null for a code the catalogue does not hold.
const CatalogueEntry* catalogue_entry(std::string_view code);
// An Error with the catalogue's status and summary (codes the catalogue lacks are internal errors).
Error catalogued(std::string_view code);

}  // namespace inkan

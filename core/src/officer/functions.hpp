// Which officer functions a set of grants opens (UPKI-FORMATS §11).
#pragma once

#include <string>
#include <vector>

#include "authz/grants.hpp"
#include "util/error.hpp"

namespace inkan::officer {

struct Function {
    std::string id;  // stable name used in the JSON API
    Message label;
};

std::vector<Function> granted_functions(const std::vector<authz::Grant>& grants);

}  // namespace inkan::officer

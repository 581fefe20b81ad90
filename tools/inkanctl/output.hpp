// Renders command results: JSON for scripts, aligned text for people.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace inkanctl {

void print(std::ostream& out, const nlohmann::ordered_json& result, bool as_json);
void print_error(std::ostream& out, const std::string& code, const std::string& en, const std::string& ja, bool as_json);

}  // namespace inkanctl

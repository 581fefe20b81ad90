// Text that arrives in a query string, form or multipart part, checked
// before anything uses it: valid UTF-8 (533) and free of control characters
// (534), else a 400 naming the field.  PostgreSQL refuses invalid UTF-8 and
// libpq truncates at NUL, so unchecked text would fail late or be cut.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace inkan::http {

// Throws Error 533 / 534 about `field` when `value` breaks the rules.
void check_text(std::string_view value, const std::string& field);
// The checked value of `name` in `fields`, "" when absent.
std::string text_field(const std::map<std::string, std::string>& fields, const std::string& name);

}  // namespace inkan::http

// Certificate serial numbers as officers write them (decimal or 0x-hex) and
// as inkan stores them (lower-case hex without leading zero octets).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inkan::policy {

std::optional<std::string> normalize_serial(std::string_view text);

}  // namespace inkan::policy

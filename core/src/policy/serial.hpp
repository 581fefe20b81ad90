// Certificate serial numbers as officers write them (decimal or 0x-hex) and
// as inkan stores them (lower-case hex without leading zero octets).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::policy {

std::optional<std::string> normalize_serial(std::string_view text);

// The stored serials a person may mean when searching: 0x-hex, hex octets
// separated by colons or spaces (as openssl and browsers show them), bare
// hex, or decimal.  Digits alone are read both ways.
std::vector<std::string> serial_candidates(std::string_view text);

// A stored serial in the notations people meet: "0x…" and decimal (both
// accepted in UPKI files), and colon-separated octets (as openssl shows it).
struct SerialNotations {
    std::string hex, decimal, colons;
};
SerialNotations serial_notations(const std::string& stored_hex);

}  // namespace inkan::policy

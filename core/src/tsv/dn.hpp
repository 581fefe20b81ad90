// The subject DN as written in column 1 of UPKI files:
// "CN=www.example.ac.jp,O=Example University,L=Chiyoda-ku,ST=Tokyo,C=JP".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inkan::tsv {

using Rdn = std::pair<std::string, std::string>;  // attribute type, value

// Splits at commas that start a new "TYPE=" (types are upper-case letters),
// so values may contain commas ("Univ. of X, Tokyo").  nullopt when the
// text is not of that form (empty value, lower-case type, spaces around '=').
std::optional<std::vector<Rdn>> parse_dn(std::string_view text);
std::string format_dn(const std::vector<Rdn>& rdns);
// The value of the first attribute of `type`, or "".
std::string dn_value(const std::vector<Rdn>& rdns, std::string_view type);

}  // namespace inkan::tsv

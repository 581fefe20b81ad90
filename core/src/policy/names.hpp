// Rules for registered names: institution DN values (UPKI-FORMATS §6),
// registered domains (no public suffixes), officer names and mail addresses.
// Each rule is one function, used by the CLI, the API and the tests alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace inkan::policy {

// A rule violation without a code; callers attach their own code and field.
using Violation = std::optional<Message>;

// O / ST / L charset: alnum, space and '(),-./:= ; at most 64 characters.
Violation check_dn_value(std::string_view value);
// L must not contain "Academe" or "Default" and must not be just "City".
Violation check_locality(std::string_view value);
// CN charset for people: alnum, space and '(),-./:=@_ ; at most 64.
Violation check_person_cn(std::string_view value);
Violation check_mail(std::string_view value);

// A domain name an institution may register: LDH labels, lowercase, at
// least two labels, valid IDNA A-labels, and not itself a public suffix.
Violation check_registrable_domain(std::string_view name);
// A host name for a certificate: LDH labels (lower case), at least two
// labels, at most 253 characters, valid IDNA A-labels, not an IP address;
// a leading "*." only when wildcards are allowed.
Violation check_hostname(std::string_view name, bool allow_wildcard);

// True when `name` equals `domain` or lies below it.
bool within(std::string_view name, std::string_view domain);

}  // namespace inkan::policy

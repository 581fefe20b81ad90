// inkan's own error codes (UPKI's codes are 2xx/371; inkan never reuses them).
// The full list with meanings is in docs/error-codes.md.
#pragma once

#include "util/error.hpp"

namespace inkan::codes {

// 5xx: authentication, sessions, enrollment, service state.
inline constexpr const char* kClientCertRequired = "501";
inline constexpr const char* kCertNotRegistered = "502";
inline constexpr const char* kCertNotValid = "503";
inline constexpr const char* kCsrf = "504";
inline constexpr const char* kInstitutionInactive = "215";  // UPKI's code, same meaning
inline constexpr const char* kLinkDenied = "510";
inline constexpr const char* kWrongPin = "511";
inline constexpr const char* kPickupLocked = "512";
inline constexpr const char* kRenewalWindow = "513";
inline constexpr const char* kNotIssued = "514";        // the signer refused or failed: nothing was issued
inline constexpr const char* kPickupBusy = "515";
inline constexpr const char* kNothingToCollect = "516";  // collected already, expired or unknown
inline constexpr const char* kPinsNotFetched = "517";  // an end user's link before the subscriber fetched the PINs
inline constexpr const char* kDatabaseUnavailable = "520";
inline constexpr const char* kBadRequest = "530";
inline constexpr const char* kNotFound = "531";
inline constexpr const char* kMethodNotAllowed = "532";
inline constexpr const char* kInvalidUtf8 = "533";       // a request field is not valid UTF-8
inline constexpr const char* kControlCharacter = "534";  // a request field holds NUL, TAB, CR, LF or another control
inline constexpr const char* kBodyTooLarge = "535";      // the web server refused the body (413)
inline constexpr const char* kUriTooLong = "536";        // the web server refused the URI (414)
inline constexpr const char* kMalformedRequest = "537";  // the web server refused the request line or headers (400)
inline constexpr const char* kInternal = "599";

// 6xx: registration data checked by the service desk CLI.
inline constexpr const char* kBadInstitutionField = "601";
inline constexpr const char* kBadDomain = "602";
inline constexpr const char* kBadOfficerField = "604";
inline constexpr const char* kBadGrant = "605";
inline constexpr const char* kUnknownObject = "606";
inline constexpr const char* kMissingSetting = "607";

}  // namespace inkan::codes

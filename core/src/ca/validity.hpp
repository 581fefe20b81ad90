// How long a certificate may be valid.  Never chosen by the applicant: it
// follows the profile and the CA/Browser Forum cap in force at notBefore.
#pragma once

#include <ctime>
#include <string_view>

namespace inkan::ca {

// CA/Browser Forum maximum validity (days) for certificates whose notBefore
// is `not_before`: 398, then 200 from 2026-03-15, 100 from 2027-03-15 and
// 47 from 2029-03-15.
int cabf_max_days(std::time_t not_before);

// Days for a server profile: UPKI's 198 days, capped by the schedule.
int server_validity_days(std::string_view profile, std::time_t not_before);

// notAfter for `days` of validity; RFC 5280 counts both ends inclusively.
std::time_t not_after_for(std::time_t not_before, int days);

}  // namespace inkan::ca

// The CA/Browser Forum validity schedule and RFC 5280 notAfter arithmetic;
// profile::validity_days applies them to a profile.
#pragma once

#include <ctime>

namespace inkan::profile {

// CA/Browser Forum maximum validity (days) for certificates whose notBefore
// is `not_before`: 398, then 200 from 2026-03-15, 100 from 2027-03-15 and
// 47 from 2029-03-15.
int cabf_max_days(std::time_t not_before);

// notAfter for `days` of validity; RFC 5280 counts both ends inclusively.
std::time_t not_after_for(std::time_t not_before, int days);

}  // namespace inkan::profile

#include "profile/validity.hpp"

namespace inkan::profile {

namespace {
std::time_t utc(int year, int month, int day) {
    struct tm tm {};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    return timegm(&tm);
}
}  // namespace

int cabf_max_days(std::time_t not_before) {
    if (not_before >= utc(2029, 3, 15)) return 47;
    if (not_before >= utc(2027, 3, 15)) return 100;
    if (not_before >= utc(2026, 3, 15)) return 200;
    return 398;
}

std::time_t not_after_for(std::time_t not_before, int days) { return not_before + static_cast<std::time_t>(days) * 86400 - 1; }

}  // namespace inkan::profile

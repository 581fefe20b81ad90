// Reminders the worker sends on its own schedule.
#pragma once

#include <string>

#include "store/pg.hpp"

namespace inkan::worker {

// renewal_reminder_days after a renewal, while the old certificate is still
// valid and not revoked: one mail to the officer who applied for the renewal.
int send_renewal_reminders(store::Connection& c, const std::string& actor);

}  // namespace inkan::worker

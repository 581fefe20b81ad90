// What an accepted line of an ACME registration file does (UPKI-FORMATS §4):
// create a registration with a new EAB, update one (new names, new EAB), or
// suspend one.  Revocation lines are applications like a server file's.
#pragma once

#include <optional>

#include "authz/identity.hpp"
#include "store/pg.hpp"
#include "workflow/upload.hpp"

namespace inkan::workflow {

// The EAB for the officer's screen when the line created or updated a
// registration; nothing otherwise.
std::optional<IssuedEab> record_acme_line(store::Connection& c, const authz::Identity& who, int64_t batch_id,
                                          const ServerApplication& a);

}  // namespace inkan::workflow

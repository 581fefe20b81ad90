// The worker's own authorization of every application before it signs.
// The web servers (role inkan_ra) only queue applications, so nothing they
// wrote is trusted: with the worker's database role, the names are checked
// against the institution's registered domains and the officer's grants,
// the profile against the kind, and an officer certificate against a
// claimed pickup or a renewing officer.  A refusal is Error 429 naming the
// rule; the application then fails and nothing is signed.
#pragma once

#include "profile/profile.hpp"
#include "store/applications.hpp"
#include "store/pg.hpp"
#include "worker/round.hpp"

namespace inkan::worker {

// `p` is the application's profile, or nullptr when it names none that exists.
// Officers, domains and grants are read through the round (once per batch).
void reauthorize_issue(store::Connection& c, Round& round, const store::QueuedIssuance& a, const profile::Profile* p);
void reauthorize_revocation(store::Connection& c, Round& round, const store::QueuedRevocation& r);

}  // namespace inkan::worker

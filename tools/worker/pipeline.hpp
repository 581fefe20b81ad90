// One issuance pipeline for every kind of certificate:
//   claim by priority -> re-authorize -> build from the profile -> lint ->
//   sign (with the first OCSP responses) -> record -> the profile's delivery step.
// Applications are claimed in batches, each batch one transaction (one
// COMMIT, the profiles, settings and CAs read once: worker/round.hpp): a
// crash before COMMIT leaves them all queued and nothing recorded; row locks
// keep two workers off the same rows.  Each application is signed in its own
// savepoint, so one that fails is marked failed without undoing the others;
// the signed ones are then recorded in one statement (store/issued.hpp), or,
// should the database refuse that, one by one, each in its own savepoint.
#pragma once

#include <string>

#include "store/pg.hpp"
#include "worker/keystore.hpp"

namespace inkan::worker {

// Issues up to `batch` queued issues or renewals; returns how many were claimed.
int issue_batch(store::Connection& c, KeyStore& keys, const std::string& actor, int batch);

// Carries out up to `batch` queued revocations; returns how many were claimed.
int revoke_batch(store::Connection& c, KeyStore& keys, const std::string& actor, int batch);

}  // namespace inkan::worker

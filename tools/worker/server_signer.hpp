// Issues queued server certificates (issue and renew lines) and carries out
// queued revocations.  As with officer certificates, one claimed row at a
// time inside one transaction, so a crash loses or duplicates nothing.
#pragma once

#include <string>

#include "store/pg.hpp"
#include "worker/keystore.hpp"

namespace inkan::worker {

bool sign_next_server(store::Connection& c, KeyStore& keys, const std::string& actor);
bool revoke_next(store::Connection& c, KeyStore& keys, const std::string& actor);

}  // namespace inkan::worker

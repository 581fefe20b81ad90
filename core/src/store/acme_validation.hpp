// Repository of the ACME validations the mailer process carries out (sql/018)
// and of what the signer re-checks: a challenge the client asked for is
// claimed (FOR UPDATE SKIP LOCKED), its outcome recorded on the challenge and
// its authorization, a failure counted for the registration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store::acme {

struct PendingValidation {
    int64_t challenge_id = 0, authorization_id = 0, registration_id = 0;
    std::string type, token, name;
    std::string thumbprint;  // the account key's, for the key authorization
    bool registered = false;  // the name is one of the registration's
};

// The oldest challenge waiting for validation, leased to the caller for two
// minutes (committed at once: no transaction stays open during the fetch).
std::optional<PendingValidation> claim_validation(Connection& c);

// Valid: the challenge and its authorization become valid.  Invalid: both
// become invalid with `error` ("<ACME error type>: <detail>"), and the
// registration gets a failure.
void record_validation(Connection& c, const PendingValidation& v, bool valid, const std::string& error);

// Those of `names` that no validated challenge of a demanded type in the
// order's authorizations covers; empty when every name was validated.
std::vector<std::string> unvalidated_names(Connection& c, int64_t order_id, const std::vector<std::string>& names,
                                           const std::vector<std::string>& types);

// The challenge types an institution demands besides the registration.
std::vector<std::string> demanded_challenges(Connection& c, int64_t institution_id);

}  // namespace inkan::store::acme

// Who acts: an officer authenticated by a verified client certificate.  The
// upload workflow, the officer endpoints and the audit trail name them alike.
#pragma once

#include <cstdint>
#include <string>

namespace inkan::authz {

struct Identity {
    int64_t officer_id = 0;
    int64_t certificate_id = 0;
    int64_t institution_id = 0;
    std::string name, email, institution, serial, not_after;
    bool renewable = false;  // inside the renewal window before expiry
    std::string language;    // "ja", "en", or "" when the officer has not chosen
};

// The audit log's name for the officer ("officer:<id>").
inline std::string actor(const Identity& who) { return "officer:" + std::to_string(who.officer_id); }

}  // namespace inkan::authz

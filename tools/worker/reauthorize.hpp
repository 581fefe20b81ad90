// The worker's own authorization of every application before it signs.
// The web servers (role inkan_ra) only queue applications, so nothing they
// wrote is trusted: with the worker's database role, the names are checked
// against the institution's registered domains and the officer's grants,
// the profile against the kind, and an officer certificate against a
// claimed pickup or a renewing officer.  A refusal is Error 429 naming the
// rule; the application then fails and nothing is signed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::worker {

struct ServerRequest {
    int64_t institution_id = 0, officer_id = 0;
    std::string operation;  // issue or renew
    std::string profile, subject_dn;
    std::vector<std::string> dns_names;  // CN first
    std::optional<int64_t> old_certificate_id;
};

void reauthorize_server_issue(store::Connection& c, const ServerRequest& a);
void reauthorize_server_revocation(store::Connection& c, int64_t institution_id, int64_t officer_id,
                                   int64_t certificate_id);
void reauthorize_officer(store::Connection& c, int64_t institution_id, int64_t officer_id, const std::string& operation);

}  // namespace inkan::worker

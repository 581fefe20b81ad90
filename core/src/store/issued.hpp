// Recording issued certificates a batch at a time: one statement writes every
// row a batch of issuances leaves behind — the certificates, their
// applications marked issued, renewed certificates marked replaced, the
// hand-overs to the mailer and the first OCSP responses — however many
// certificates the batch holds.  Per certificate that is one row per table
// instead of a round trip, a parse and a plan per row.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "store/certificates.hpp"
#include "store/pg.hpp"

namespace inkan::store {

struct FirstOcsp {
    std::time_t this_update = 0, next_update = 0;
    std::string sha1_certid_der, sha256_certid_der;
};

struct IssuedCertificate {
    NewCertificate certificate;       // its application_id is required
    std::optional<int64_t> replaces;  // the certificate a renewal replaces
    std::optional<FirstOcsp> ocsp;    // for profiles with status pointers
};

// The new certificates' ids, in the order given.  Either every row is
// written or, on an error, none (the statement is atomic).
std::vector<int64_t> record_issued(Connection& c, const std::vector<IssuedCertificate>& issued);

}  // namespace inkan::store

// The subject of a person's certificate (client, S/MIME) as UPKI writes it:
// CN, any number of OU, O, L, ST, C.  One rule for the upload checks and the
// signer's re-check.
#pragma once

#include <vector>

#include "tsv/dn.hpp"

namespace inkan::policy {

bool person_dn_shape(const std::vector<tsv::Rdn>& dn);

}  // namespace inkan::policy

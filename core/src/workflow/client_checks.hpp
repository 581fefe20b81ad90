// Every rule for one line of a UPKI client / S/MIME certificate file
// (15 columns, UPKI-FORMATS §3, §5): subject DN CN,OU…,O,L,ST,C with the
// OU allow list, profiles 13–16 (5 and 7 withdrawn), download method 1 or 2
// (3, browser key generation, abolished), the end user's mail inside the
// institution's registered domains and the officer's grants.  Pure like the
// server checks: the database comes in through Registry.
#pragma once

#include "workflow/server_checks.hpp"

namespace inkan::workflow {

inline constexpr size_t kClientColumns = 15;

LineResult check_client_row(const tsv::Row& row, ApplyType type, const InstitutionFacts& inst,
                            const std::vector<authz::Grant>& grants, const profile::Catalog& profiles, Registry& registry);

// The part of a mail address after the last '@' ("" when there is none).
std::string mail_domain(const std::string& mail);

}  // namespace inkan::workflow

// libFuzzer target: a client / S/MIME application file (15 columns) from
// the bytes to the checked lines — encoding detection, row splitting, the DN
// parser and every client line rule for issue, renew and revoke.
#include <openssl/err.h>

#include <cstdint>
#include <string_view>

#include "support/fuzz_registry.hpp"
#include "support/server_profiles.hpp"
#include "tsv/encoding.hpp"
#include "tsv/table.hpp"
#include "workflow/client_checks.hpp"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    using namespace inkan;
    try {
        auto decoded = tsv::decode(input);
        testing::FuzzRegistry registry;
        workflow::InstitutionFacts inst{1, "Example University", "Tokyo", "Chiyoda-ku", true, {"example.ac.jp"},
                                        size % 2 ? "NTRJP-1234567890123" : ""};
        std::vector<authz::Grant> grants = {{"example.ac.jp", "", {authz::Kind::client, authz::Kind::smime},
                                             {authz::Action::issue, authz::Action::renew, authz::Action::revoke}}};
        static const profile::Catalog catalog = testing::client_catalog();
        for (const auto& row : tsv::split_rows(decoded.text)) {
            for (auto type : {workflow::ApplyType::issue, workflow::ApplyType::renew, workflow::ApplyType::revoke}) {
                workflow::check_client_row(row, type, inst, grants, catalog, registry);
            }
        }
    } catch (const Error&) {
    }
    ERR_clear_error();
    return 0;
}

// libFuzzer target: everything an uploaded application file goes through
// before the database — encoding detection, row splitting, the DN parser,
// every line rule (with the CSR checks) and the multipart parser.
#include <openssl/err.h>

#include <cstdint>
#include <string_view>

#include "http/multipart.hpp"
#include "tsv/dn.hpp"
#include "tsv/encoding.hpp"
#include "tsv/table.hpp"
#include "workflow/server_checks.hpp"
#include "support/fuzz_registry.hpp"
#include "support/server_profiles.hpp"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    using namespace inkan;
    try {
        auto decoded = tsv::decode(input);
        testing::FuzzRegistry registry;
        workflow::InstitutionFacts inst{1, "Example University", "Tokyo", "Chiyoda-ku", true};
        std::vector<authz::Grant> grants = {
            {"example.ac.jp", "", {authz::Kind::server}, {authz::Action::issue, authz::Action::renew, authz::Action::revoke}}};
        static const profile::Catalog catalog = testing::server_catalog();
        for (const auto& row : tsv::split_rows(decoded.text)) {
            for (auto type : {workflow::ApplyType::issue, workflow::ApplyType::renew, workflow::ApplyType::revoke}) {
                workflow::check_server_row(row, type, inst, grants, {size % 2 == 0, size % 3 == 0, catalog}, registry);
            }
            if (!row.fields.empty()) tsv::parse_dn(row.fields[0]);
        }
    } catch (const Error&) {
    }
    try {
        http::parse_multipart(input, "multipart/form-data; boundary=XyZ");
    } catch (const Error&) {
    }
    ERR_clear_error();
    return 0;
}

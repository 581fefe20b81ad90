// An officer's upload of a UPKI server-certificate, client / S/MIME or ACME
// registration file:
// file-level checks (208, 209, 213, 214, encoding), line checks, then — in
// one transaction — the batch kept verbatim and, per accepted line, an
// application (server, client, S/MIME) or a registration change (ACME).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "authz/identity.hpp"
#include "store/pg.hpp"
#include "workflow/server_checks.hpp"

namespace inkan::workflow {

struct UploadInput {
    std::string file_name;
    std::string content;
    ApplyType type = ApplyType::issue;
    bool abort_on_error = true;  // UPKI's errorFlg: all-or-nothing
    authz::Kind kind = authz::Kind::server;  // server, acme, or client (client and S/MIME lines)
};

// An EAB an ACME create or update line produced: shown to the officer once,
// in the upload's answer, and never stored with the results.
struct IssuedEab {
    int row = 0;
    std::string account_ref, kid, hmac_key;  // hmac_key base64url, as clients take it
};

struct UploadResult {
    int64_t batch_id = 0;
    std::string encoding;
    std::vector<LineResult> lines;
    int accepted = 0;      // applications written
    bool aborted = false;  // all-or-nothing and some line failed
    std::vector<IssuedEab> eabs;
};

// File-level problems throw Error (208, 209, 213, 214, 422) and record nothing.
UploadResult upload_batch(store::Connection& c, const authz::Identity& who,
                                 const std::vector<authz::Grant>& grants, const UploadInput& input);

// The per-line results as the API shows them (and the batch keeps them):
// seq, OK/NG, applied, every error with code, field, message and the UPKI text.
nlohmann::json line_results_json(const std::vector<LineResult>& lines, bool aborted, const std::string& institution);

// Parses UPKI's applyType (1 issue, 2 renew, 3 revoke; 4 suspend in ACME
// files); throws Error 530 otherwise.
ApplyType parse_apply_type(const std::string& text, authz::Kind kind);

}  // namespace inkan::workflow

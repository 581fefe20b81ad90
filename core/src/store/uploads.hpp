// Repository of what an upload needs from the database: the institution,
// the names and certificates it already has, the OU allow list, and the
// batch (the file kept verbatim) itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct InstitutionRow {
    int64_t id = 0;
    std::string name_en, st, l;
    bool active = false;
    std::string organization_identifier;  // "" when none is registered
};
InstitutionRow institution(Connection& c, int64_t id);

// Serializes uploads per institution for the rest of the transaction, so
// that two files cannot both claim one DN.
void lock_uploads(Connection& c, int64_t institution_id);

// A valid certificate or a pending issue/renewal of the institution and kind
// (server, client, smime) has this DN.
bool subject_in_use(Connection& c, int64_t institution_id, const std::string& subject_dn, const std::string& kind);

// A certificate of the institution other than an officer certificate, by serial.
struct CertificateFacts {
    int64_t id = 0;
    std::string subject_dn, der, kind;
    bool revoked_or_pending = false;  // revoked, or a revocation is queued
    bool renewed_or_pending = false;  // replaced, or a renewal is queued
};
std::optional<CertificateFacts> certificate_by_serial(Connection& c, int64_t institution_id, const std::string& serial);

// The institution's domains whose allow list holds `ou`.
std::vector<std::string> domains_allowing_ou(Connection& c, int64_t institution_id, const std::string& ou);

struct NewBatch {
    int64_t institution_id = 0, officer_id = 0;
    int apply_type = 0;
    bool abort_on_error = false;
    std::string file_name, content, sha256, encoding;
    int lines = 0, accepted = 0;
    std::string results_json;  // the per-line results, kept for the upload history
    std::string kind = "server";  // or acme
};
int64_t insert_batch(Connection& c, const NewBatch& b);

// The applications a batch created, one per accepted line, with their progress.
struct BatchApplication {
    int line_no = 0;
    int64_t application_id = 0;
    std::string state;                      // queued, issued, failed, cancelled
    std::optional<int64_t> certificate_id;  // once issued (for revocations: the revoked certificate)
};
std::vector<BatchApplication> batch_applications(Connection& c, int64_t batch_id);

// Upload history: an officer's own batches, newest first.
struct BatchSummary {
    int64_t id = 0;
    std::string file_name, encoding, uploaded_at;  // uploaded_at: ISO 8601 UTC
    int apply_type = 0, lines = 0, accepted = 0;
    bool abort_on_error = false;
    std::string sha256_hex;
    std::string uploaded_by;  // the officer's name
};
std::vector<BatchSummary> batches_of(Connection& c, int64_t officer_id, int limit);

struct BatchRecord {
    BatchSummary summary;
    std::string results_json;  // "null" for batches from before the history was kept
    std::string content;       // the file, verbatim
};
std::optional<BatchRecord> batch_of(Connection& c, int64_t officer_id, int64_t batch_id);

// Wakes the signer at commit.
void notify_work(Connection& c);

}  // namespace inkan::store

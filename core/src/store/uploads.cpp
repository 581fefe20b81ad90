#include "store/uploads.hpp"

#include "util/error.hpp"

namespace inkan::store {

InstitutionRow institution(Connection& c, int64_t id) {
    auto r = c.query("SELECT name_en, st, l, status = 'active', coalesce(organization_identifier, '') "
                     "FROM institutions WHERE id = $1", id);
    if (r.empty()) throw InternalError("no institution " + std::to_string(id));
    return {id, r.text(0, 0), r.text(0, 1), r.text(0, 2), r.boolean(0, 3), r.text(0, 4)};
}

void lock_uploads(Connection& c, int64_t institution_id) {
    c.query("SELECT pg_advisory_xact_lock(1, $1::int)", institution_id);
}

bool subject_in_use(Connection& c, int64_t institution_id, const std::string& subject_dn, const std::string& kind) {
    return !c.query("SELECT 1 FROM certificates WHERE institution_id = $1 AND subject_dn = $2 AND kind = $3 "
                    "AND revoked_at IS NULL AND not_after > now() "
                    "UNION ALL SELECT 1 FROM applications WHERE institution_id = $1 AND subject_dn = $2 "
                    "AND kind = $3 AND state = 'queued' AND operation <> 'revoke'",
                    institution_id, subject_dn, kind)
                .empty();
}

std::optional<CertificateFacts> certificate_by_serial(Connection& c, int64_t institution_id, const std::string& serial) {
    auto r = c.query("SELECT id, subject_dn, der, kind, revoked_at IS NOT NULL OR EXISTS (SELECT 1 FROM applications a "
                     "WHERE a.target_certificate_id = certificates.id AND a.state = 'queued'), "
                     "replaced_by IS NOT NULL OR EXISTS (SELECT 1 FROM applications a "
                     "WHERE a.old_certificate_id = certificates.id AND a.state = 'queued') "
                     "FROM certificates WHERE serial = $1 AND institution_id = $2 AND kind <> 'officer'",
                     serial, institution_id);
    if (r.empty()) return std::nullopt;
    return CertificateFacts{r.integer(0, 0), r.text(0, 1), r.bytes(0, 2), r.text(0, 3), r.boolean(0, 4),
                                  r.boolean(0, 5)};
}

std::vector<std::string> domains_allowing_ou(Connection& c, int64_t institution_id, const std::string& ou) {
    auto r = c.query("SELECT d.name FROM ou_allowlist a JOIN domains d ON d.id = a.domain_id "
                     "WHERE d.institution_id = $1 AND a.ou = $2",
                     institution_id, ou);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

int64_t insert_batch(Connection& c, const NewBatch& b) {
    return c.query("INSERT INTO batches (institution_id, officer_id, kind, apply_type, abort_on_error, file_name, "
                   "content, sha256, encoding, lines, accepted, results) "
                   "VALUES ($1, $2, $12, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                   b.institution_id, b.officer_id, b.apply_type, b.abort_on_error, b.file_name, Bytes{b.content},
                   Bytes{b.sha256}, b.encoding, b.lines, b.accepted, b.results_json, b.kind)
        .integer(0, 0);
}

std::vector<BatchApplication> batch_applications(Connection& c, int64_t batch_id) {
    auto r = c.query("SELECT line_no, id, state, coalesce(certificate_id, target_certificate_id) FROM applications "
                     "WHERE batch_id = $1 ORDER BY line_no",
                     batch_id);
    std::vector<BatchApplication> out;
    for (int i = 0; i < r.rows(); ++i) {
        BatchApplication a{static_cast<int>(r.integer(i, 0)), r.integer(i, 1), r.text(i, 2), std::nullopt};
        if (!r.is_null(i, 3)) a.certificate_id = r.integer(i, 3);
        out.push_back(std::move(a));
    }
    return out;
}

namespace {
constexpr const char* kBatchColumns =
    "SELECT id, file_name, encoding, inkan_iso(created_at), apply_type, lines, accepted, abort_on_error, "
    "encode(sha256, 'hex'), (SELECT o.name FROM officers o WHERE o.id = batches.officer_id) ";

BatchSummary summary_of(const Result& r, int i) {
    return {r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), static_cast<int>(r.integer(i, 4)),
            static_cast<int>(r.integer(i, 5)), static_cast<int>(r.integer(i, 6)), r.boolean(i, 7), r.text(i, 8),
            r.text(i, 9)};
}
}  // namespace

std::vector<BatchSummary> batches_of(Connection& c, int64_t officer_id, int limit) {
    auto r = c.query(std::string(kBatchColumns) + "FROM batches WHERE officer_id = $1 ORDER BY id DESC LIMIT $2::int",
                     officer_id, limit);
    std::vector<BatchSummary> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(summary_of(r, i));
    return out;
}

std::optional<BatchRecord> batch_of(Connection& c, int64_t officer_id, int64_t batch_id) {
    auto r = c.query(std::string(kBatchColumns) + ", coalesce(results, 'null'), content FROM batches "
                     "WHERE id = $1 AND officer_id = $2",
                     batch_id, officer_id);
    if (r.empty()) return std::nullopt;
    return BatchRecord{summary_of(r, 0), r.text(0, 10), r.bytes(0, 11)};
}

void notify_work(Connection& c) { c.query("SELECT pg_notify('inkan_work', 'application')"); }

}  // namespace inkan::store

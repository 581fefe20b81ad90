#include "store/status_documents.hpp"

#include "util/error.hpp"

namespace inkan::store {

namespace {
std::vector<int64_t> ids(const Result& r) {
    std::vector<int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
    return out;
}
}  // namespace

CertificateStatus lock_certificate_status(Connection& c, int64_t certificate_id) {
    auto r = c.query("SELECT der, serial, ca_id, revoked_at IS NOT NULL, coalesce(extract(epoch FROM revoked_at)::bigint, 0), "
                     "coalesce(revocation_reason, 0) FROM certificates WHERE id = $1 FOR UPDATE",
                     certificate_id);
    if (r.empty()) throw InternalError("no certificate " + std::to_string(certificate_id));
    return {r.bytes(0, 0), r.text(0, 1), r.integer(0, 2), r.boolean(0, 3), static_cast<std::time_t>(r.integer(0, 4)),
            static_cast<int>(r.integer(0, 5))};
}

void put_ocsp_responses(Connection& c, int64_t certificate_id, int64_t ca_id, const std::string& serial,
                        std::time_t this_update, std::time_t next_update, const std::string& sha1_certid_der,
                        const std::string& sha256_certid_der) {
    c.query("INSERT INTO ocsp_responses (certificate_id, ca_id, serial, this_update, next_update, der, der_sha256) "
            "VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($5), $6, $7) ON CONFLICT (certificate_id) DO UPDATE SET "
            "this_update = EXCLUDED.this_update, next_update = EXCLUDED.next_update, der = EXCLUDED.der, "
            "der_sha256 = EXCLUDED.der_sha256",
            certificate_id, ca_id, serial, static_cast<int64_t>(this_update), static_cast<int64_t>(next_update),
            Bytes{sha1_certid_der}, Bytes{sha256_certid_der});
}

void lock_crl_signing(Connection& c, int64_t ca_id) { c.query("SELECT pg_advisory_xact_lock(2, $1::int)", ca_id); }

std::vector<RevokedRow> revoked_unexpired(Connection& c, int64_t ca_id) {
    auto r = c.query("SELECT serial, extract(epoch FROM revoked_at)::bigint, coalesce(revocation_reason, 0) "
                     "FROM certificates WHERE ca_id = $1 AND revoked_at IS NOT NULL AND not_after > now() ORDER BY id",
                     ca_id);
    std::vector<RevokedRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.text(i, 0), static_cast<std::time_t>(r.integer(i, 1)), static_cast<int>(r.integer(i, 2))});
    }
    return out;
}

int64_t next_crl_number(Connection& c, int64_t ca_id) {
    return c.query("SELECT coalesce(max(number), 0) + 1 FROM crls WHERE ca_id = $1", ca_id).integer(0, 0);
}

void put_crl(Connection& c, int64_t ca_id, int64_t number, std::time_t this_update, std::time_t next_update,
             const std::string& der) {
    c.query("INSERT INTO crls (ca_id, number, this_update, next_update, der) VALUES ($1, $2, to_timestamp($3), "
            "to_timestamp($4), $5)",
            ca_id, number, static_cast<int64_t>(this_update), static_cast<int64_t>(next_update), Bytes{der});
}

std::vector<int64_t> cas_due_for_crl(Connection& c) {
    return ids(c.query("SELECT ca.id FROM cas ca "
                       "WHERE (ca.active OR EXISTS (SELECT 1 FROM certificates ce WHERE ce.ca_id = ca.id AND ce.not_after > now())) "
                       "AND NOT EXISTS (SELECT 1 FROM crls WHERE crls.ca_id = ca.id "
                       "AND now() < this_update + (next_update - this_update) / 2 "
                       // ... and made after every revocation (the service desk revokes outside the signer too)
                       "AND created_at >= coalesce((SELECT max(ce.revoked_at) FROM certificates ce WHERE ce.ca_id = ca.id), "
                       "'-infinity'))"));
}

std::vector<int64_t> certificates_due_for_ocsp(Connection& c, int limit) {
    return ids(c.query("SELECT o.certificate_id FROM ocsp_responses o JOIN certificates ce ON ce.id = o.certificate_id "
                       "WHERE ce.not_after > now() AND (o.der_sha256 IS NULL "
                       "OR now() >= o.this_update + (o.next_update - o.this_update) / 2) "
                       "LIMIT $1::int",
                       limit));
}

std::optional<StatusDocument> newest_crl(Connection& c, int64_t ca_id) {
    auto r = c.query("SELECT der, extract(epoch FROM this_update)::bigint, extract(epoch FROM next_update)::bigint "
                     "FROM crls WHERE ca_id = $1 ORDER BY number DESC LIMIT 1",
                     ca_id);
    if (r.empty()) return std::nullopt;
    return StatusDocument{r.bytes(0, 0), static_cast<std::time_t>(r.integer(0, 1)), static_cast<std::time_t>(r.integer(0, 2))};
}

std::optional<StoredOcsp> ocsp_response_for(Connection& c, const std::string& serial_hex, bool sha256_certid) {
    auto r = c.query("SELECT CASE WHEN $2 THEN o.der_sha256 ELSE o.der END, ce.der, ca.cert_pem, "
                     "extract(epoch FROM o.this_update)::bigint, extract(epoch FROM o.next_update)::bigint "
                     "FROM ocsp_responses o JOIN certificates ce ON ce.id = o.certificate_id "
                     "JOIN cas ca ON ca.id = o.ca_id WHERE o.serial = $1",
                     serial_hex, sha256_certid);
    if (r.empty()) return std::nullopt;
    StoredOcsp out;
    if (!r.is_null(0, 0)) out.response.der = r.bytes(0, 0);
    out.response.this_update = static_cast<std::time_t>(r.integer(0, 3));
    out.response.next_update = static_cast<std::time_t>(r.integer(0, 4));
    out.certificate_der = r.bytes(0, 1);
    out.issuer_pem = r.text(0, 2);
    return out;
}

}  // namespace inkan::store

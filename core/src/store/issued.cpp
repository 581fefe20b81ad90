#include "store/issued.hpp"

#include <map>

#include "crypto/encoding.hpp"
#include "util/error.hpp"

namespace inkan::store {

namespace {
// One column of the batch, as a PostgreSQL array literal (NULL for absent values).
class Column {
public:
    void add(std::optional<std::string> value) { values_.push_back(std::move(value)); }
    void add_bytes(const std::string& bytes) { values_.push_back("\\x" + crypto::hex(bytes)); }
    std::string literal() const { return array_literal(values_); }

private:
    std::vector<std::optional<std::string>> values_;
};

std::optional<std::string> number(std::optional<int64_t> v) {
    return v ? std::optional(std::to_string(*v)) : std::nullopt;
}

constexpr const char* kRecordIssued =
    "WITH input AS ("
    "  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],"
    "                       $8::text[], $9::bigint[], $10::bigint[], $11::bytea[], $12::bytea[], $13::bigint[],"
    "                       $14::bigint[], $15::bigint[], $16::bytea[], $17::bytea[])"
    "    AS i(application_id, ca_id, institution_id, officer_id, kind, profile, serial, subject_dn, not_before,"
    "         not_after, fingerprint_sha256, der, replaces, ocsp_this_update, ocsp_next_update, ocsp_der,"
    "         ocsp_der_sha256)"
    "), cert AS ("
    "  INSERT INTO certificates (application_id, ca_id, institution_id, officer_id, kind, profile, serial, subject_dn,"
    "                            not_before, not_after, fingerprint_sha256, der)"
    "  SELECT application_id, ca_id, institution_id, officer_id, kind, profile, serial, subject_dn,"
    "         to_timestamp(not_before), to_timestamp(not_after), fingerprint_sha256, der FROM input"
    "  RETURNING id, application_id"
    "), issued AS ("
    "  UPDATE applications a SET state = 'issued', certificate_id = cert.id, updated_at = now()"
    "  FROM cert WHERE a.id = cert.application_id"
    "), replaced AS ("
    "  UPDATE certificates old SET replaced_by = cert.id FROM cert JOIN input i USING (application_id)"
    "  WHERE old.id = i.replaces"
    "), handed_over AS ("
    "  INSERT INTO deliveries (certificate_id, application_id, event) SELECT id, application_id, 'issued' FROM cert"
    "), ocsp AS ("
    "  INSERT INTO ocsp_responses (certificate_id, ca_id, serial, this_update, next_update, der, der_sha256)"
    "  SELECT cert.id, i.ca_id, i.serial, to_timestamp(i.ocsp_this_update), to_timestamp(i.ocsp_next_update),"
    "         i.ocsp_der, i.ocsp_der_sha256 FROM cert JOIN input i USING (application_id) WHERE i.ocsp_der IS NOT NULL"
    ")"
    "SELECT application_id, id FROM cert";
}  // namespace

std::vector<int64_t> record_issued(Connection& c, const std::vector<IssuedCertificate>& issued) {
    if (issued.empty()) return {};
    Column application, ca, institution, officer, kind, profile, serial, subject, not_before, not_after, fingerprint,
        der, replaces, ocsp_this, ocsp_next, ocsp_der, ocsp_der_sha256;
    for (const auto& i : issued) {
        const NewCertificate& n = i.certificate;
        if (!n.application_id) throw InternalError("an issued certificate without its application");
        application.add(number(n.application_id));
        ca.add(std::to_string(n.ca_id));
        institution.add(number(n.institution_id));
        officer.add(number(n.officer_id));
        kind.add(n.kind);
        profile.add(n.profile);
        serial.add(n.serial);
        subject.add(n.subject_dn);
        not_before.add(std::to_string(static_cast<int64_t>(n.not_before)));
        not_after.add(std::to_string(static_cast<int64_t>(n.not_after)));
        fingerprint.add_bytes(n.fingerprint_sha256);
        der.add_bytes(n.der);
        replaces.add(number(i.replaces));
        ocsp_this.add(i.ocsp ? number(static_cast<int64_t>(i.ocsp->this_update)) : std::nullopt);
        ocsp_next.add(i.ocsp ? number(static_cast<int64_t>(i.ocsp->next_update)) : std::nullopt);
        if (i.ocsp) {
            ocsp_der.add_bytes(i.ocsp->sha1_certid_der);
            ocsp_der_sha256.add_bytes(i.ocsp->sha256_certid_der);
        } else {
            ocsp_der.add(std::nullopt);
            ocsp_der_sha256.add(std::nullopt);
        }
    }
    auto r = c.query(kRecordIssued, application.literal(), ca.literal(), institution.literal(), officer.literal(),
                     kind.literal(), profile.literal(), serial.literal(), subject.literal(), not_before.literal(),
                     not_after.literal(), fingerprint.literal(), der.literal(), replaces.literal(), ocsp_this.literal(),
                     ocsp_next.literal(), ocsp_der.literal(), ocsp_der_sha256.literal());
    std::map<int64_t, int64_t> by_application;
    for (int row = 0; row < r.rows(); ++row) by_application[r.integer(row, 0)] = r.integer(row, 1);
    std::vector<int64_t> ids;
    for (const auto& i : issued) {
        auto it = by_application.find(*i.certificate.application_id);
        if (it == by_application.end()) throw InternalError("an issued certificate was not recorded");
        ids.push_back(it->second);
    }
    return ids;
}

}  // namespace inkan::store

#include "workflow/server_upload.hpp"

#include <set>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "policy/names.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/profiles.hpp"
#include "store/submissions.hpp"
#include "tsv/encoding.hpp"

namespace inkan::workflow {

namespace {

class DbRegistry : public Registry {
public:
    DbRegistry(store::Connection& c, int64_t institution, ApplyType type) : c_(c), institution_(institution), type_(type) {}

    bool subject_in_use(const std::string& dn) override {
        // Two issue lines with one DN in the same file: the second is 212 too.
        if (batch_dns_.count(dn)) return true;
        return !c_.query("SELECT 1 FROM certificates WHERE institution_id = $1 AND subject_dn = $2 AND kind = 'server' "
                         "AND revoked_at IS NULL AND not_after > now() "
                         "UNION ALL SELECT 1 FROM applications WHERE institution_id = $1 AND subject_dn = $2 "
                         "AND kind = 'server' AND state = 'queued' AND operation <> 'revoke'",
                         institution_, dn)
                    .empty();
    }

    std::optional<KnownCertificate> certificate(const std::string& serial) override {
        auto r = c_.query("SELECT id, subject_dn, der, revoked_at IS NOT NULL OR EXISTS (SELECT 1 FROM applications a "
                          "WHERE a.target_certificate_id = certificates.id AND a.state = 'queued'), "
                          "replaced_by IS NOT NULL OR EXISTS (SELECT 1 FROM applications a "
                          "WHERE a.old_certificate_id = certificates.id AND a.state = 'queued') "
                          "FROM certificates WHERE serial = $1 AND institution_id = $2 AND kind = 'server'",
                          serial, institution_);
        if (r.empty()) return std::nullopt;
        // A certificate an earlier accepted line of this file names is taken:
        // renewal pending in a renewal file, revocation in a revocation file.
        bool seen_in_batch = batch_certificates_.count(r.integer(0, 0)) > 0;
        bool pending_revocation = seen_in_batch && type_ == ApplyType::revoke;
        bool pending_renewal = seen_in_batch && type_ == ApplyType::renew;
        std::string der = r.bytes(0, 2);
        auto cert = crypto::cert_from_der(der);
        // The names a certificate covers: its dNSNames (the CN is always among them).
        return KnownCertificate{r.integer(0, 0), r.text(0, 1),
                                crypto::public_key_der(X509_get0_pubkey(cert.get())), crypto::dns_names(cert.get()),
                                r.boolean(0, 3) || pending_revocation, r.boolean(0, 4) || pending_renewal};
    }

    bool ou_allowed(const std::string& name, const std::string& ou) override {
        auto r = c_.query("SELECT d.name FROM ou_allowlist a JOIN domains d ON d.id = a.domain_id "
                          "WHERE d.institution_id = $1 AND a.ou = $2",
                          institution_, ou);
        for (int i = 0; i < r.rows(); ++i) {
            if (policy::within(name, r.text(i, 0))) return true;
        }
        return false;
    }

    void accepted(const ServerApplication& a) override {
        if (a.type == ApplyType::issue) batch_dns_.insert(a.subject_dn);
        if (a.old_certificate_id) batch_certificates_.insert(*a.old_certificate_id);
    }

private:
    store::Connection& c_;
    int64_t institution_;
    ApplyType type_;
    std::set<std::string> batch_dns_;
    std::set<int64_t> batch_certificates_;
};

[[noreturn]] void file_error(const char* code, Message m) { throw Error(code, std::move(m), 400); }

bool tsv_name(const std::string& name) {
    auto ends = [&](const char* ext) {
        std::string e(ext);
        if (name.size() < e.size()) return false;
        std::string tail = name.substr(name.size() - e.size());
        for (char& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return tail == e;
    };
    return ends(".tsv") || ends(".txt");
}

InstitutionFacts institution_facts(store::Connection& c, int64_t id) {
    auto r = c.query("SELECT name_en, st, l, status = 'active' FROM institutions WHERE id = $1", id);
    return InstitutionFacts{id, r.text(0, 0), r.text(0, 1), r.text(0, 2), r.boolean(0, 3)};
}

const char* operation_name(ApplyType t) {
    return t == ApplyType::issue ? "issue" : t == ApplyType::renew ? "renew" : "revoke";
}

void record(store::Connection& c, const authz::Identity& who, int64_t batch, const ServerApplication& a) {
    bool revoke = a.type == ApplyType::revoke;
    store::ServerSubmission s;
    s.operation = operation_name(a.type);
    s.institution_id = who.institution_id;
    s.officer_id = who.officer_id;
    s.batch_id = batch;
    s.line_no = a.row;
    s.subject_dn = a.subject_dn;
    if (!revoke) s.profile = a.profile;
    s.csr_der = a.csr_der;
    s.dns_names = a.dns_names;
    s.subscriber_name = a.subscriber_name;
    s.subscriber_affiliation = a.subscriber_affiliation;
    s.subscriber_email = a.subscriber_email;
    if (!revoke) s.fqdn = a.fqdn;
    s.software = a.software;
    if (a.type == ApplyType::renew) s.old_certificate_id = a.old_certificate_id;
    if (revoke) s.target_certificate_id = a.old_certificate_id;
    if (a.reason) s.revocation_reason = *a.reason;
    s.comment = a.comment;
    store::submit_server(c, s);
}

}  // namespace

ApplyType parse_apply_type(const std::string& text) {
    if (text == "1") return ApplyType::issue;
    if (text == "2") return ApplyType::renew;
    if (text == "3") return ApplyType::revoke;
    throw Error("530", {"applyType は 1 (発行), 2 (更新), 3 (失効) のいずれかです。",
                        "applyType must be 1 (issue), 2 (renew) or 3 (revoke)."});
}

UploadResult upload_server_batch(store::Connection& c, const authz::Identity& who,
                                 const std::vector<authz::Grant>& grants, const UploadInput& input) {
    if (input.file_name.empty() && input.content.empty()) {
        file_error("208", {"ファイルが指定されていません。", "No file was given."});
    }
    if (!tsv_name(input.file_name)) {
        file_error("209", {"ファイルの拡張子は .tsv または .txt です。", "The file name must end in .tsv or .txt."});
    }
    tsv::Decoded text = tsv::decode(input.content);
    std::vector<tsv::Row> rows = tsv::split_rows(text.text);
    if (rows.empty()) file_error("213", {"ファイルにレコードがありません。", "The file has no records."});
    int64_t max_records = settings::get_int(c, "max_records_per_file");
    if (static_cast<int64_t>(rows.size()) > max_records) {
        file_error("214", {"レコード数が上限 (" + std::to_string(max_records) + ") を超えています。",
                           "The file has more than " + std::to_string(max_records) + " records."});
    }

    Policy policy{settings::get(c, "allow_wildcard") == "true", settings::get(c, "server_ou_policy") == "allowlist",
                  store::load_profiles(c)};
    store::Transaction tx(c);
    // Serialize uploads per institution so that two files cannot both claim one DN.
    c.query("SELECT pg_advisory_xact_lock(1, $1::int)", who.institution_id);
    InstitutionFacts inst = institution_facts(c, who.institution_id);
    DbRegistry registry(c, who.institution_id, input.type);
    UploadResult result;
    result.encoding = text.encoding;
    int failed = 0;
    for (const auto& row : rows) {
        result.lines.push_back(check_server_row(row, input.type, inst, grants, policy, registry));
        if (result.lines.back().application) {
            registry.accepted(*result.lines.back().application);
        } else {
            failed++;
        }
    }
    result.aborted = input.abort_on_error && failed > 0;
    int accepted = result.aborted ? 0 : static_cast<int>(rows.size()) - failed;
    auto batch = c.query("INSERT INTO batches (institution_id, officer_id, kind, apply_type, abort_on_error, file_name, "
                         "content, sha256, encoding, lines, accepted) "
                         "VALUES ($1, $2, 'server', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                         who.institution_id, who.officer_id, static_cast<int>(input.type), input.abort_on_error,
                         input.file_name, store::Bytes{input.content}, store::Bytes{crypto::sha256(input.content)},
                         text.encoding, static_cast<int>(rows.size()), accepted);
    result.batch_id = batch.integer(0, 0);
    if (!result.aborted) {
        for (const auto& line : result.lines) {
            if (line.application) record(c, who, result.batch_id, *line.application);
        }
    }
    result.accepted = accepted;
    audit::append(c, authz::actor(who), "batch.uploaded", "batch:" + std::to_string(result.batch_id),
                  {{"file", input.file_name}, {"apply_type", static_cast<int>(input.type)}, {"lines", rows.size()},
                   {"accepted", accepted}, {"aborted", result.aborted}, {"sha256", crypto::hex(crypto::sha256(input.content))}});
    if (accepted > 0) c.query("SELECT pg_notify('inkan_work', 'application')");
    tx.commit();
    return result;
}

}  // namespace inkan::workflow

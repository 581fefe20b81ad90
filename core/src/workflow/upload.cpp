#include "workflow/upload.hpp"

#include <set>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "policy/names.hpp"
#include "settings/settings.hpp"
#include "store/acme_registrations.hpp"
#include "store/audit.hpp"
#include "store/profiles.hpp"
#include "store/submissions.hpp"
#include "store/uploads.hpp"
#include "tsv/encoding.hpp"
#include "tsv/line_error.hpp"
#include "tsv/table.hpp"
#include "store/reauthorization.hpp"
#include "workflow/acme_registration.hpp"
#include "workflow/client_checks.hpp"

namespace inkan::workflow {

namespace {

class DbRegistry : public Registry {
public:
    DbRegistry(store::Connection& c, int64_t institution, ApplyType type) : c_(c), institution_(institution), type_(type) {}

    bool subject_in_use(const std::string& dn, authz::Kind kind) override {
        std::string k(authz::to_string(kind));
        // Two issue lines with one DN in the same file: the second is 212 too.
        if (batch_dns_.count({k, dn})) return true;
        return store::subject_in_use(c_, institution_, dn, k);
    }

    std::optional<KnownCertificate> certificate(const std::string& serial) override {
        auto r = store::certificate_by_serial(c_, institution_, serial);
        if (!r) return std::nullopt;
        // A certificate an earlier accepted line of this file names is taken:
        // renewal pending in a renewal file, revocation in a revocation file.
        bool seen_in_batch = batch_certificates_.count(r->id) > 0;
        bool pending_revocation = seen_in_batch && type_ == ApplyType::revoke;
        bool pending_renewal = seen_in_batch && type_ == ApplyType::renew;
        auto cert = crypto::cert_from_der(r->der);
        // The names a certificate covers: its dNSNames (the CN is always among
        // them), or for a person's certificate the domains of its mail addresses.
        bool person = r->kind == "client" || r->kind == "smime";
        auto names = person ? crypto::email_domains(cert.get()) : crypto::dns_names(cert.get());
        return KnownCertificate{r->id, r->subject_dn, crypto::public_key_der(X509_get0_pubkey(cert.get())),
                                std::move(names), r->revoked_or_pending || pending_revocation,
                                r->renewed_or_pending || pending_renewal, r->kind};
    }

    std::optional<KnownRegistration> acme_registration(const std::string& account_ref) override {
        auto r = store::acme_registration_by_ref(c_, institution_, account_ref);
        if (!r) return std::nullopt;
        return KnownRegistration{r->id, r->subject_dn, r->status, r->names};
    }

    bool ou_allowed(const std::string& name, const std::string& ou) override {
        for (const auto& domain : store::domains_allowing_ou(c_, institution_, ou)) {
            if (policy::within(name, domain)) return true;
        }
        return false;
    }

    void accepted(const ServerApplication& a) override {
        if (a.type == ApplyType::issue) batch_dns_.insert({"server", a.subject_dn});
        if (a.old_certificate_id) batch_certificates_.insert(*a.old_certificate_id);
    }

    void accepted(const ClientApplication& a) override {
        if (a.type == ApplyType::issue) batch_dns_.insert({std::string(authz::to_string(a.kind)), a.subject_dn});
        if (a.old_certificate_id) batch_certificates_.insert(*a.old_certificate_id);
        if (a.download_method == 2) bulk_names_.insert({a.subscriber_email, a.pkcs12_name});
    }

    bool bulk_name_taken(const std::string& subscriber_email, const std::string& file_name) override {
        return bulk_names_.count({subscriber_email, file_name}) > 0;
    }

private:
    store::Connection& c_;
    int64_t institution_;
    ApplyType type_;
    std::set<std::pair<std::string, std::string>> batch_dns_;  // kind, DN
    std::set<std::pair<std::string, std::string>> bulk_names_;  // subscriber, PKCS#12 file name
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
    auto row = store::institution(c, id);
    return InstitutionFacts{id, row.name_en, row.st, row.l, row.active, store::registered_domains(c, id),
                            row.organization_identifier};
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

void record(store::Connection& c, const authz::Identity& who, int64_t batch, const ClientApplication& a) {
    bool revoke = a.type == ApplyType::revoke;
    store::ClientSubmission s;
    s.operation = operation_name(a.type);
    s.kind = authz::to_string(a.kind);
    s.institution_id = who.institution_id;
    s.officer_id = who.officer_id;
    s.batch_id = batch;
    s.line_no = a.row;
    s.subject_dn = a.subject_dn;
    if (!revoke) {
        s.profile = a.profile;
        s.download_method = a.download_method;
    }
    s.subscriber_name = a.subscriber_name;
    s.subscriber_affiliation = a.subscriber_affiliation;
    s.subscriber_email = a.subscriber_email;
    s.end_user_name = a.end_user_name;
    s.pkcs12_name = a.pkcs12_name;
    s.end_user_affiliation = a.end_user_affiliation;
    s.end_user_email = a.end_user_email;
    s.preset_pin = a.preset_pin;
    if (a.type == ApplyType::renew) s.old_certificate_id = a.old_certificate_id;
    if (revoke) s.target_certificate_id = a.old_certificate_id;
    if (a.reason) s.revocation_reason = *a.reason;
    s.comment = a.comment;
    store::submit_client(c, s);
}

// One line checked by the rules of the file's layout; later lines see what it takes.
LineResult check_line(const tsv::Row& row, const UploadInput& input, const InstitutionFacts& inst,
                      const std::vector<authz::Grant>& grants, const Policy& policy, DbRegistry& registry) {
    if (input.kind == authz::Kind::client) {
        LineResult line = check_client_row(row, input.type, inst, grants, policy.profiles, registry);
        if (line.client) registry.accepted(*line.client);
        return line;
    }
    LineResult line = check_server_row(row, input.type, inst, grants, policy, registry);
    if (line.application) registry.accepted(*line.application);
    return line;
}

}  // namespace

nlohmann::json line_results_json(const std::vector<LineResult>& lines, bool aborted, const std::string& institution) {
    using nlohmann::json;
    json out = json::array();
    for (const auto& line : lines) {
        json errors = json::array();
        for (const auto& e : line.errors) {
            // The API's error shape; the field is the column as the UPKI header names it.
            errors.push_back({{"code", e.code},
                              {"ja", e.message.ja},
                              {"en", e.message.en},
                              {"field", e.field.ja},
                              {"line", line.row},
                              {"column", {{"ja", e.field.ja}, {"en", e.field.en}}},
                              {"text", {{"ja", tsv::upki_text(e, line.row, Lang::ja)}, {"en", tsv::upki_text(e, line.row, Lang::en)}}}});
        }
        bool ok = line.errors.empty();
        out.push_back({{"seq", line.row}, {"result", ok ? "OK" : "NG"}, {"applied", ok && !aborted}, {"errors", errors},
                       {"institution", institution}, {"subject_dn", line.subject_dn}, {"fqdn", line.fqdn},
                       {"affiliation", line.affiliation}, {"name", line.name},
                       {"mail", line.mail}});
    }
    return out;
}

ApplyType parse_apply_type(const std::string& text, authz::Kind kind) {
    // UPKI's applyType values are the enum's numbers.
    for (ApplyType t : {ApplyType::issue, ApplyType::renew, ApplyType::revoke, ApplyType::suspend}) {
        if (t == ApplyType::suspend && kind != authz::Kind::acme) break;
        if (text == std::to_string(static_cast<int>(t))) return t;
    }
    if (kind == authz::Kind::acme) {
        throw Error("530", {"ACME の applyType は 1 (作成), 2 (更新), 3 (ACME証明書 失効), 4 (停止) のいずれかです。",
                            "ACME applyType must be 1 (create), 2 (update), 3 (revoke an ACME certificate) or 4 (suspend)."});
    }
    throw Error("530", {"applyType は 1 (発行), 2 (更新), 3 (失効) のいずれかです。",
                        "applyType must be 1 (issue), 2 (renew) or 3 (revoke)."});
}

UploadResult upload_batch(store::Connection& c, const authz::Identity& who,
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
                  store::load_profiles(c), input.kind};
    store::Transaction tx(c);
    // Serialize uploads per institution so that two files cannot both claim one DN.
    store::lock_uploads(c, who.institution_id);
    InstitutionFacts inst = institution_facts(c, who.institution_id);
    DbRegistry registry(c, who.institution_id, input.type);
    UploadResult result;
    result.encoding = text.encoding;
    int failed = 0;
    for (const auto& row : rows) {
        result.lines.push_back(check_line(row, input, inst, grants, policy, registry));
        if (!result.lines.back().errors.empty()) failed++;
    }
    result.aborted = input.abort_on_error && failed > 0;
    int accepted = result.aborted ? 0 : static_cast<int>(rows.size()) - failed;
    std::string kind(authz::to_string(input.kind));
    // A client file's preset PINs (column 15) are not kept: the web role reads batches.
    std::string kept = input.kind == authz::Kind::client ? tsv::blank_field(input.content, kClientColumns - 1) : input.content;
    result.batch_id = store::insert_batch(
        c, {who.institution_id, who.officer_id, static_cast<int>(input.type), input.abort_on_error, input.file_name,
            kept, crypto::sha256(input.content), text.encoding, static_cast<int>(rows.size()), accepted,
            line_results_json(result.lines, result.aborted, inst.o).dump(), kind});
    if (!result.aborted) {
        for (const auto& line : result.lines) {
            if (line.client) record(c, who, result.batch_id, *line.client);
            if (!line.application) continue;
            if (input.kind == authz::Kind::acme && input.type != ApplyType::revoke) {
                if (auto eab = record_acme_line(c, who, result.batch_id, *line.application)) result.eabs.push_back(*eab);
            } else {
                record(c, who, result.batch_id, *line.application);
            }
        }
    }
    result.accepted = accepted;
    audit::append(c, authz::actor(who), "batch.uploaded", "batch:" + std::to_string(result.batch_id),
                  {{"file", input.file_name}, {"kind", kind}, {"apply_type", static_cast<int>(input.type)}, {"lines", rows.size()},
                   {"accepted", accepted}, {"aborted", result.aborted}, {"sha256", crypto::hex(crypto::sha256(input.content))}});
    if (accepted > 0) store::notify_work(c);
    tx.commit();
    return result;
}

}  // namespace inkan::workflow

// Revocation and renewal of one certificate through the API.  The request
// becomes the UPKI line an officer would otherwise upload, kept as a batch
// like any file, so every rule and code of the TSV path applies unchanged.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "http/fields.hpp"
#include "officer/handlers.hpp"
#include "store/audit.hpp"
#include "store/submissions.hpp"
#include "util/codes.hpp"
#include "workflow/client_checks.hpp"

namespace inkan::officer {

namespace {
constexpr size_t kColumns = workflow::kServerColumns;

std::string tsv_line(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "\t" : "") + fields[i];
    return out + "\r\n";
}

// The PEM body on one line (UPKI column 7), whatever line breaks the form carried.
std::string one_line_csr(std::string pem) {
    std::string out;
    size_t pos = 0;
    while (pos < pem.size()) {
        size_t end = pem.find('\n', pos);
        std::string line = pem.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        if (line.find("-----") == std::string::npos) {
            line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }),
                       line.end());
            out += line;
        }
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return out;
}

}  // namespace

http::Response submit_line(Context& ctx, workflow::ApplyType type, authz::Kind kind, const std::string& file_name,
                           const std::vector<std::string>& fields) {
    workflow::UploadInput input{file_name, tsv_line(fields), type, true, kind};
    auto result = workflow::upload_batch(ctx.c, ctx.who, ctx.grants(), input);
    return http::Response::json(200, batch_result_json(ctx, result).dump());
}

namespace {
store::ServerListRow issued_certificate(Context& ctx, store::Inventory inventory = store::Inventory::server) {
    auto row = visible_certificate(ctx, inventory);
    if (row.serial.empty()) throw Error(codes::kNotFound, {"証明書が見つかりません。", "Certificate not found."});
    return row;
}
}  // namespace

namespace {
// Both layouts keep the DN in column 1 and the serial, reason and comment in columns 4 to 6.
http::Response revoke_in(Context& ctx, store::Inventory inventory, size_t columns, authz::Kind file_kind) {
    require_csrf(ctx.req, ctx.session);
    auto row = issued_certificate(ctx, inventory);
    const auto& form = ctx.req.form();
    std::vector<std::string> f(columns);
    f[0] = row.subject_dn;
    f[3] = "0x" + row.serial;
    f[4] = http::text_field(form, "reason");
    f[5] = http::text_field(form, "comment");
    return submit_line(ctx, workflow::ApplyType::revoke, file_kind, "api-revoke-" + row.serial + ".tsv", f);
}
}  // namespace

http::Response revoke_certificate(Context& ctx) {
    return revoke_in(ctx, store::Inventory::server, kColumns, authz::Kind::server);
}

http::Response renew_certificate(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    auto row = issued_certificate(ctx);
    const auto& form = ctx.req.form();
    auto csr = form.find("csr");
    std::string software = http::text_field(form, "software");
    std::string sans;
    for (size_t i = 1; i < row.dns_names.size(); ++i) sans += (sans.empty() ? "" : ",") + ("dNSName=" + row.dns_names[i]);
    std::vector<std::string> f(kColumns);
    f[0] = row.subject_dn;
    f[1] = row.profile;
    f[3] = "0x" + row.serial;
    f[6] = csr == form.end() ? "" : one_line_csr(csr->second);
    f[7] = row.subscriber_name;
    f[8] = row.subscriber_affiliation;
    f[9] = row.subscriber_email;
    f[10] = row.fqdn;
    f[11] = software.empty() ? row.server_software : software;
    f[12] = sans;
    return submit_line(ctx, workflow::ApplyType::renew, authz::Kind::server, "api-renew-" + row.serial + ".tsv", f);
}

// A client or S/MIME certificate: the 15-column line (UPKI-FORMATS §3).
http::Response revoke_client_certificate(Context& ctx) {
    return revoke_in(ctx, store::Inventory::client, workflow::kClientColumns, authz::Kind::client);
}

// A new key pair and PKCS#12 for the same person, handed out as before.
http::Response renew_client_certificate(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    auto row = issued_certificate(ctx, store::Inventory::client);
    std::vector<std::string> f(workflow::kClientColumns);
    f[0] = row.subject_dn;
    f[1] = row.profile;
    f[2] = std::to_string(row.download_method.value_or(1));
    f[3] = "0x" + row.serial;
    f[7] = row.subscriber_name;
    f[8] = row.subscriber_affiliation;
    f[9] = row.subscriber_email;
    f[10] = row.end_user_name;
    f[11] = row.pkcs12_name;
    f[12] = row.end_user_affiliation;
    f[13] = row.end_user_email;
    return submit_line(ctx, workflow::ApplyType::renew, authz::Kind::client, "api-renew-" + row.serial + ".tsv", f);
}

http::Response resend_link(Context& ctx) {
    require_csrf(ctx.req, ctx.session);
    auto row = issued_certificate(ctx);
    if (!authz::permits(ctx.grants(), row.fqdn, authz::Kind::server, authz::Action::issue)) {
        throw Error("424", {"この証明書の発行は許可されていません。", "You are not granted issuance for this certificate."});
    }
    if (row.status == 7) throw Error("426", {"この証明書は失効しています。", "This certificate is revoked."});
    store::Transaction tx(ctx.c);
    store::request_resend(ctx.c, *row.certificate_id, ctx.who.officer_id);
    audit::append(ctx.c, actor(ctx.who), "certificate.resend_requested", "certificate:" + std::to_string(ctx.id),
                  {{"to", row.subscriber_email}});
    tx.commit();
    return http::Response::json(202, nlohmann::json{{"resending", true}, {"to", row.subscriber_email}}.dump());
}

}  // namespace inkan::officer

#include "worker/server_signer.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "ca/builder.hpp"
#include "ca/lint.hpp"
#include "ca/validity.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "crypto/x509.hpp"
#include "http/request.hpp"
#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "tsv/dn.hpp"
#include "tsv/table.hpp"
#include "util/error.hpp"
#include "worker/attempt.hpp"
#include "worker/authority.hpp"
#include "worker/reauthorize.hpp"
#include "worker/status.hpp"

namespace inkan::worker {

namespace {

struct Application {
    int64_t id, institution_id, officer_id;
    std::string operation, subject_dn, profile, csr_der, subscriber_email;
    std::vector<std::string> dns_names;
    std::optional<int64_t> old_certificate_id;
    std::string created_at;
};

std::vector<std::string> comma_list(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

// A key of the CA's type that signs nothing real: the to-be-signed
// certificate is linted after a signature with it, then signed for real.
EVP_PKEY* lint_key_like(EVP_PKEY* ca_key) {
    static crypto::PKey rsa = crypto::generate_rsa(2048), p384 = crypto::generate_ec("P-384"), p256 = crypto::generate_ec("P-256");
    if (EVP_PKEY_is_a(ca_key, "RSA")) return rsa.get();
    return EVP_PKEY_get_bits(ca_key) >= 384 ? p384.get() : p256.get();
}

// The TBSCertificate encoding (i2d_re_X509_tbs re-encodes, so it reflects any change).
std::string tbs_der(X509* cert) {
    int len = i2d_re_X509_tbs(cert, nullptr);
    crypto::check(len > 0, "i2d_re_X509_tbs");
    std::string out(static_cast<size_t>(len), '\0');
    auto p = reinterpret_cast<unsigned char*>(out.data());
    i2d_re_X509_tbs(cert, &p);
    return out;
}

// The settings that shape a server certificate, read once per issuance.
struct IssuanceSettings {
    std::string crl_url, ocsp_url, ca_issuers_url;
    std::vector<std::string> policy_oids;
    bool rsa_key_encipherment;

    explicit IssuanceSettings(store::Connection& c)
        : crl_url(settings::get_optional(c, "crl_url")),
          ocsp_url(settings::get_optional(c, "ocsp_url")),
          ca_issuers_url(settings::get_optional(c, "ca_issuers_url")),
          policy_oids(comma_list(settings::get_optional(c, "server_policy_oids"))),
          rsa_key_encipherment(settings::get_bool(c, "rsa_key_encipherment")) {}
};

ca::CertSpec server_spec(const IssuanceSettings& s, const Application& a, EVP_PKEY* public_key, int64_t ca_id) {
    auto dn = tsv::parse_dn(a.subject_dn);
    if (!dn) throw InternalError("stored subject DN does not parse: " + a.subject_dn);
    ca::CertSpec spec;
    spec.subject.assign(dn->rbegin(), dn->rend());  // column 1 is CN..C; the certificate encodes C..CN
    spec.public_key = public_key;
    spec.not_before = std::time(nullptr);
    spec.not_after = ca::not_after_for(spec.not_before, ca::server_validity_days(a.profile, spec.not_before));
    // keyEncipherment only serves TLS RSA key exchange, gone from TLS 1.3.
    bool encipher = s.rsa_key_encipherment && EVP_PKEY_is_a(public_key, "RSA");
    spec.key_usage = encipher ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature";
    spec.extended_key_usage = "serverAuth";
    spec.dns_names = a.dns_names;
    if (!s.crl_url.empty()) {
        spec.extensions.push_back({NID_crl_distribution_points, "URI:" + s.crl_url + std::to_string(ca_id) + ".crl"});
    }
    std::string aia;
    if (!s.ocsp_url.empty()) aia = "OCSP;URI:" + s.ocsp_url;
    if (!s.ca_issuers_url.empty()) {
        aia += (aia.empty() ? "" : ",") + std::string("caIssuers;URI:") + s.ca_issuers_url + std::to_string(ca_id) + ".crt";
    }
    if (!aia.empty()) spec.extensions.push_back({NID_info_access, aia});
    spec.policy_oids = s.policy_oids;
    return spec;
}

// Lint the exact to-be-signed certificate, then sign those bytes.
crypto::X509Ptr lint_and_sign(const IssuanceSettings& s, const ca::CertSpec& spec, const Application& a, X509* issuer,
                              EVP_PKEY* ca_key) {
    auto cert = ca::build(spec, issuer);
    crypto::check(X509_sign(cert.get(), lint_key_like(ca_key), ca::digest_for(ca_key)) > 0, "lint signature");
    ca::LintExpectations expect{a.profile, !s.crl_url.empty(), !s.ocsp_url.empty(), s.policy_oids, s.rsa_key_encipherment};
    auto findings = ca::lint_server_certificate(cert.get(), issuer, expect);
    if (!findings.empty()) {
        std::string all;
        for (const auto& f : findings) all += (all.empty() ? "" : "; ") + f;
        throw Error("425", {"発行前検査 (lint) に失敗しました: " + all, "Pre-issuance lint failed: " + all});
    }
    std::string linted = tbs_der(cert.get());
    crypto::check(X509_sign(cert.get(), ca_key, ca::digest_for(ca_key)) > 0, "X509_sign");
    if (tbs_der(cert.get()) != linted) throw InternalError("signed TBS differs from the linted TBS");
    return cert;
}

void issue(store::Connection& c, KeyStore& keys, const Application& a, const std::string& actor) {
    reauthorize_server_issue(c, {a.institution_id, a.officer_id, a.operation, a.profile, a.subject_dn, a.dns_names,
                                 a.old_certificate_id});
    auto p = reinterpret_cast<const unsigned char*>(a.csr_der.data());
    crypto::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(a.csr_der.size())));
    if (!req) throw InternalError("stored CSR does not parse");
    Authority ca = load_authority(c, keys, a.profile == "11" ? "server-ecc" : "server-rsa");
    IssuanceSettings s(c);
    auto spec = server_spec(s, a, X509_REQ_get0_pubkey(req.get()), ca.id);
    auto cert = lint_and_sign(s, spec, a, ca.cert.get(), ca.key);
    std::string serial = crypto::serial_hex(cert.get());

    auto row = c.query(
        "INSERT INTO certificates (application_id, ca_id, kind, serial, subject_dn, not_before, not_after, "
        "fingerprint_sha256, der, institution_id, profile) "
        "VALUES ($1, $2, 'server', $3, $4, to_timestamp($5), to_timestamp($6), $7, $8, $9, $10) RETURNING id",
        a.id, ca.id, serial, a.subject_dn, static_cast<int64_t>(spec.not_before), static_cast<int64_t>(spec.not_after),
        store::Bytes{crypto::fingerprint_sha256(cert.get())}, store::Bytes{crypto::cert_to_der(cert.get())},
        a.institution_id, a.profile);
    int64_t cert_id = row.integer(0, 0);
    if (a.old_certificate_id) {
        c.query("UPDATE certificates SET replaced_by = $2 WHERE id = $1", *a.old_certificate_id, cert_id);
    }
    c.query("UPDATE applications SET state = 'issued', certificate_id = $2, updated_at = now() WHERE id = $1", a.id, cert_id);

    std::string token = crypto::random_token();
    auto link = c.query("INSERT INTO download_tokens (certificate_id, token_hash, expires_at) "
                        "VALUES ($1, $2, $3::timestamptz + make_interval(days => $4::int)) "
                        "RETURNING to_char(expires_at, 'YYYY-MM-DD HH24:MI \"UTC\"')",
                        cert_id, store::Bytes{crypto::sha256(token)}, a.created_at,
                        settings::get(c, "download_link_days"));
    std::string url = settings::get(c, "download_url");
    mail::enqueue(c, mail::server_download_link(a.subscriber_email, a.subject_dn, serial,
                                                url + (url.find('?') == std::string::npos ? "?t=" : "&t=") +
                                                    http::url_encode(token),
                                                link.text(0, 0)));
    publish_ocsp(c, keys, cert_id);
    audit::append(c, actor, "certificate.issued", "certificate:" + std::to_string(cert_id),
                  {{"kind", "server"}, {"serial", serial}, {"application_id", a.id}, {"subject", a.subject_dn},
                   {"profile", a.profile}});
}

}  // namespace

bool sign_next_server(store::Connection& c, KeyStore& keys, const std::string& actor) {
    store::Transaction tx(c);
    auto r = c.query(
        "SELECT id, institution_id, officer_id, operation, subject_dn, profile, csr, coalesce(subscriber_email, ''), "
        "array_to_json(dns_names)::text, old_certificate_id, created_at::text "
        "FROM applications WHERE state = 'queued' AND kind = 'server' AND operation IN ('issue', 'renew') "
        "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
    if (r.empty()) return false;
    Application a{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5),
                  r.bytes(0, 6), r.text(0, 7), nlohmann::json::parse(r.text(0, 8)).get<std::vector<std::string>>(),
                  r.is_null(0, 9) ? std::nullopt : std::optional<int64_t>(r.integer(0, 9)), r.text(0, 10)};
    attempt(c, a.id, actor, [&] { issue(c, keys, a, actor); });
    tx.commit();
    return true;
}

bool revoke_next(store::Connection& c, KeyStore& keys, const std::string& actor) {
    store::Transaction tx(c);
    auto r = c.query(
        "SELECT a.id, a.target_certificate_id, a.revocation_reason, o.email, coalesce(a.subscriber_email, ''), "
        "ce.subject_dn, ce.serial, ce.ca_id, coalesce(orig.subscriber_email, ''), a.institution_id, a.officer_id "
        "FROM applications a JOIN officers o ON o.id = a.officer_id JOIN certificates ce ON ce.id = a.target_certificate_id "
        "LEFT JOIN applications orig ON orig.id = ce.application_id "
        "WHERE a.state = 'queued' AND a.kind = 'server' AND a.operation = 'revoke' "
        "ORDER BY a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED");
    if (r.empty()) return false;
    int64_t id = r.integer(0, 0), cert_id = r.integer(0, 1);
    int reason = static_cast<int>(r.integer(0, 2));
    attempt(c, id, actor, [&] {
        reauthorize_server_revocation(c, r.integer(0, 9), r.integer(0, 10), cert_id);
        c.query("UPDATE certificates SET revoked_at = now(), revocation_reason = $2 WHERE id = $1 AND revoked_at IS NULL",
                cert_id, reason);
        c.query("UPDATE applications SET state = 'completed', certificate_id = $2, updated_at = now() WHERE id = $1", id,
                cert_id);
        publish_ocsp(c, keys, cert_id);
        publish_crl(c, keys, r.integer(0, 7));
        // The subscriber named on the revocation line, else the one who received the certificate.
        std::string subscriber = !r.text(0, 4).empty() ? r.text(0, 4) : r.text(0, 8);
        std::vector<std::string> to = {r.text(0, 3)};
        if (!subscriber.empty() && subscriber != to[0]) to.push_back(subscriber);
        mail::enqueue(c, mail::server_revoked(to, r.text(0, 5), r.text(0, 6), reason));
        audit::append(c, actor, "certificate.revoked", "certificate:" + std::to_string(cert_id),
                      {{"serial", r.text(0, 6)}, {"reason", reason}, {"application_id", id}});
    });
    tx.commit();
    return true;
}

}  // namespace inkan::worker

// mail-signer: inkan's own S/MIME certificate, with which the mailer signs
// every mail (inkan-worker --role mailer --sign-cert --sign-key), as UPKI
// signs its mails.  Issued from the client CA under the S/MIME BR
// mailbox-validated multipurpose profile (the service's own mailbox), linted
// like every certificate, recorded with the others so that the CRL covers it.
#include <algorithm>
#include <ctime>

#include "ca/lint_and_sign.hpp"
#include "cli.hpp"
#include "crypto/x509.hpp"
#include "files.hpp"
#include "policy/names.hpp"
#include "policy/serial.hpp"
#include "profile/validity.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/cas.hpp"
#include "store/certificates.hpp"
#include "store/profiles.hpp"
#include "util/text.hpp"

namespace inkanctl {
namespace {

namespace crypto = inkan::crypto;

json mail_signer_issue(inkan::store::Connection& c, const Args& a) {
    std::string email = a.need("email"), key_dir = a.need("key-dir"), out = a.need("out");
    if (inkan::policy::check_mail(email)) usage_error("--email is not a mail address", "--email がメールアドレスではありません");
    auto ca = inkan::store::active_ca(c, "client");
    if (!ca) not_found("CA", "active CA with role", "client");
    auto catalog = inkan::store::load_profiles(c);
    const inkan::profile::Profile* p = catalog.find("mail-signer");
    if (!p) not_found("プロファイル", "profile", "mail-signer");
    auto issuer = crypto::cert_from_pem(ca->cert_pem);
    auto ca_key = crypto::key_from_pem(read_file(key_dir + "/" + ca->key_ref));

    auto key = crypto::generate_rsa(2048);
    inkan::ca::CertSpec spec;
    spec.subject = {{"CN", email}};
    spec.emails = {email};
    spec.public_key = key.get();
    spec.not_before = std::time(nullptr);
    spec.not_after = std::min(inkan::profile::not_after_for(spec.not_before, inkan::profile::validity_days(*p, spec.not_before)),
                              crypto::not_after(issuer.get()));
    spec.key_usage = "critical,digitalSignature,keyEncipherment";
    spec.extended_key_usage = p->extended_key_usage;
    spec.policy_oids = inkan::text::comma_list(inkan::settings::get(c, p->policy_oids_setting));
    std::string ca_ref = std::to_string(ca->id);
    spec.extensions = {{NID_crl_distribution_points, "URI:" + inkan::settings::get(c, "crl_url") + ca_ref + ".crl"},
                       {NID_info_access, "caIssuers;URI:" + inkan::settings::get(c, "ca_issuers_url") + ca_ref + ".crt"}};
    inkan::ca::LintExpectations expect{*p, true, false, spec.policy_oids, false, spec.emails};
    auto cert = inkan::ca::lint_and_sign(spec, expect, issuer.get(), ca_key.get());
    std::string serial = crypto::serial_hex(cert.get());

    inkan::store::Transaction tx(c);
    inkan::store::NewCertificate row{std::nullopt, ca->id, std::nullopt, std::nullopt, "smime", p->id, serial,
                                     "CN=" + email, spec.not_before, spec.not_after, crypto::fingerprint_sha256(cert.get()),
                                     crypto::cert_to_der(cert.get())};
    int64_t id = inkan::store::insert_certificate(c, row);
    inkan::audit::append(c, actor(), "mail_signer.issued", "certificate:" + std::to_string(id),
                         {{"serial", serial}, {"email", email}});
    tx.commit();
    // Files only for a recorded certificate (one the CRL can list); should writing fail now,
    // revoke the serial and issue again.
    std::string key_file = "mail-signer-" + serial + ".key", cert_file = "mail-signer-" + serial + ".pem";
    write_key(out, key_file, key.get());
    write_public(out, cert_file, crypto::cert_to_pem(cert.get()) + ca->cert_pem);
    return {{"certificate_id", id}, {"serial", serial}, {"email", email}, {"not_after", spec.not_after},
            {"cert_file", out + "/" + cert_file}, {"key_file", out + "/" + key_file}};
}

json mail_signer_revoke(inkan::store::Connection& c, const Args& a) {
    std::string given = a.arg(0, "SERIAL"), reason_text = a.get("reason").value_or("4");
    auto serial = inkan::policy::normalize_serial(given);
    if (!serial) usage_error("SERIAL is decimal or 0x-prefixed hex", "SERIAL は10進数か 0x で始まる16進数です");
    if (reason_text != "1" && reason_text != "4" && reason_text != "5") {
        usage_error("--reason is 1 (keyCompromise), 4 (superseded) or 5 (cessationOfOperation)",
                    "--reason は 1 (keyCompromise), 4 (superseded), 5 (cessationOfOperation) のいずれかです");
    }
    inkan::store::Transaction tx(c);
    auto id = inkan::store::revoke_mail_signer(c, *serial, std::stoi(reason_text));
    if (!id) not_found("有効なメール署名証明書", "valid mail-signing certificate", given);
    inkan::audit::append(c, actor(), "mail_signer.revoked", "certificate:" + std::to_string(*id),
                         {{"serial", *serial}, {"reason", std::stoi(reason_text)}});
    tx.commit();
    return {{"certificate_id", *id}, {"serial", *serial}, {"revoked", true}};
}

Register commands({
    {"mail-signer", "issue", "--email ADDRESS --key-dir DIR --out DIR",
     "issue inkan's own S/MIME certificate (from the client CA in DIR) for signing every mail; key and chain go to --out",
     mail_signer_issue},
    {"mail-signer", "revoke", "SERIAL [--reason 1|4|5]", "revoke a mail-signing certificate (the next CRL lists it)",
     mail_signer_revoke},
});

}  // namespace
}  // namespace inkanctl

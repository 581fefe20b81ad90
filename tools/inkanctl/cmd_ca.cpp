// ca: create or import the certificate authorities.  Keys are written only
// into the worker's key directory (mode 0600); the database keeps the
// public certificates and a reference to the key file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "ca/builder.hpp"
#include "cli.hpp"
#include "files.hpp"
#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/cas.hpp"
#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkanctl {
namespace {

namespace crypto = inkan::crypto;

struct CaPlan {
    const char* role;
    const char* label;
    bool ec;                   // P-384 instead of RSA-2048
    const char* eku;           // what the CA may issue for (BR 7.1.2.10.6)
    bool tls;                  // under the TLS BRs: the reserved policy OIDs instead of anyPolicy
};

// The hierarchy 'ca init' creates: a root and one issuing CA per purpose, so
// that an officer certificate can only come from the officer CA and only the
// server CAs can issue for serverAuth.
constexpr CaPlan kIssuing[] = {
    {"officer", "Officer CA", false, "clientAuth", false},
    {"server-rsa", "Server CA RSA", false, "serverAuth", true},
    {"server-ecc", "Server CA ECC", true, "serverAuth", true},
    {"client", "Client CA", false, "clientAuth,emailProtection", false},
};

// Issuing CAs sign OCSP responses too, so they need digitalSignature (BR 7.1.2.10.7).
constexpr const char* kIssuingCaKeyUsage = "critical,digitalSignature,keyCertSign,cRLSign";
constexpr const char* kAnyPolicy = "2.5.29.32.0";

std::string key_file_name(const std::string& ca_name) {
    std::string out;
    for (char ch : ca_name) out += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::tolower(ch)) : '-';
    return out + ".key";
}

int64_t add_ca(inkan::store::Connection& c, const std::string& name, const std::string& role,
               std::optional<int64_t> parent, X509* cert, const std::string& key_ref) {
    int64_t id = inkan::store::insert_ca(c, name, role, parent, crypto::cert_to_pem(cert), key_ref);
    inkan::audit::append(c, actor(), "ca.added", "ca:" + std::to_string(id),
                         {{"name", name}, {"role", role}, {"serial", crypto::serial_hex(cert)}});
    return id;
}

void refuse_if_initialized(inkan::store::Connection& c) {
    if (inkan::store::any_active_ca(c)) {
        throw inkan::Error(inkan::codes::kBadRequest, {"CA はすでに作成されています (inkanctl ca list)。",
                                                       "The CAs exist already (see inkanctl ca list)."});
    }
}

json ca_init(inkan::store::Connection& c, const Args& a) {
    std::string dir = a.need("key-dir");
    std::string prefix = a.get("name").value_or("inkan");
    refuse_if_initialized(c);
    // The issuing CAs point at the root's CRL and certificate (BR 7.1.2.10.2, .3).
    std::string crl_url = inkan::settings::get(c, "crl_url"), issuers_url = inkan::settings::get(c, "ca_issuers_url");
    auto tls_policies = inkan::text::comma_list(inkan::settings::get(c, "server_policy_oids"));
    std::time_t now = std::time(nullptr);
    inkan::store::Transaction tx(c);

    auto root_key = crypto::generate_rsa(3072);
    inkan::ca::CertSpec root;
    root.subject = {{"C", "JP"}, {"O", prefix}, {"CN", prefix + " Root CA"}};
    root.public_key = root_key.get();
    root.not_before = now;
    root.not_after = now + 20L * 365 * 86400;
    root.is_ca = true;
    root.key_usage = "critical,keyCertSign,cRLSign";
    auto root_cert = inkan::ca::sign(root, nullptr, root_key.get());
    std::string root_name = prefix + " Root CA";
    write_key(dir, key_file_name(root_name), root_key.get());
    int64_t root_id = add_ca(c, root_name, "root", std::nullopt, root_cert.get(), key_file_name(root_name));

    json created = json::array({{{"role", "root"}, {"name", root_name}, {"serial", crypto::serial_hex(root_cert.get())}}});
    for (const CaPlan& plan : kIssuing) {
        auto key = plan.ec ? crypto::generate_ec("P-384") : crypto::generate_rsa(2048);
        std::string name = prefix + " " + plan.label;
        inkan::ca::CertSpec spec;
        spec.subject = {{"C", "JP"}, {"O", prefix}, {"CN", name}};
        spec.public_key = key.get();
        spec.not_before = now;
        spec.not_after = now + 10L * 365 * 86400;
        spec.is_ca = true;
        spec.path_len = 0;
        spec.key_usage = kIssuingCaKeyUsage;
        spec.extended_key_usage = plan.eku;
        spec.policy_oids = plan.tls ? tls_policies : std::vector<std::string>{kAnyPolicy};
        std::string root_ref = std::to_string(root_id);
        spec.extensions = {{NID_crl_distribution_points, "URI:" + crl_url + root_ref + ".crl"},
                           {NID_info_access, "caIssuers;URI:" + issuers_url + root_ref + ".crt"}};
        auto cert = inkan::ca::sign(spec, root_cert.get(), root_key.get());
        write_key(dir, key_file_name(name), key.get());
        add_ca(c, name, plan.role, root_id, cert.get(), key_file_name(name));
        created.push_back({{"role", plan.role}, {"name", name}, {"serial", crypto::serial_hex(cert.get())}});
    }
    tx.commit();
    return {{"key_dir", dir}, {"cas", created}};
}

// An imported CA must be a CA that may sign certificates and CRLs, and an
// issuing CA also OCSP responses (digitalSignature, BR 7.1.2.10.7).
void refuse_unfit_ca(X509* cert, const std::string& role) {
    uint32_t ku = X509_get_key_usage(cert);
    bool issuing = role != "root";
    if (X509_check_ca(cert) == 0 || !(ku & KU_KEY_CERT_SIGN) || !(ku & KU_CRL_SIGN) || (issuing && !(ku & KU_DIGITAL_SIGNATURE))) {
        usage_error("the certificate is not fit for a " + role +
                        " CA: it needs basicConstraints CA:TRUE and keyUsage keyCertSign, cRLSign" +
                        (issuing ? " and digitalSignature (it signs OCSP responses, BR 7.1.2.10.7)" : ""),
                    "この証明書は " + role + " CA に使えません: basicConstraints CA:TRUE と keyUsage keyCertSign, cRLSign" +
                        (issuing ? ", digitalSignature (OCSP 応答に署名するため、BR 7.1.2.10.7)" : "") + " が必要です");
    }
    ERR_clear_error();
}

json ca_import(inkan::store::Connection& c, const Args& a) {
    std::string role = a.need("role"), dir = a.need("key-dir");
    auto cert = crypto::cert_from_pem(read_file(a.need("cert")));
    auto key = crypto::key_from_pem(read_file(a.need("key")));
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        usage_error("the key does not belong to the certificate", "鍵が証明書と対応していません");
    }
    refuse_unfit_ca(cert.get(), role);
    std::string name = a.get("name").value_or(crypto::subject_text(cert.get()));
    std::optional<int64_t> parent;
    if (auto p = a.get("parent")) {
        auto found = inkan::store::ca_by_name(c, *p);
        if (!found) not_found("CA", "CA named", *p);
        parent = found->id;
    }
    inkan::store::Transaction tx(c);
    inkan::store::deactivate_role(c, role);
    write_key(dir, key_file_name(name), key.get());
    int64_t id = add_ca(c, name, role, parent, cert.get(), key_file_name(name));
    tx.commit();
    return {{"id", id}, {"name", name}, {"role", role}, {"serial", crypto::serial_hex(cert.get())}};
}

json ca_list(inkan::store::Connection& c, const Args&) {
    json out = json::array();
    for (const auto& ca : inkan::store::all_cas(c)) {
        out.push_back({{"id", ca.id}, {"name", ca.name}, {"role", ca.role},
                       {"parent_id", ca.parent_id ? json(*ca.parent_id) : json(nullptr)}, {"active", ca.active},
                       {"key_ref", ca.key_ref}});
    }
    return out;
}

// PEM of the active CA with a role, followed by its parents (--chain).
json ca_cert(inkan::store::Connection& c, const Args& a) {
    std::string role = a.need("role");
    auto pems = inkan::store::ca_chain_pems(c, role, a.get("chain").has_value());
    if (pems.empty()) not_found("CA", "active CA with role", role);
    std::string pem;
    for (const auto& p : pems) pem += p;
    return pem;
}

Register commands({
    {"ca", "init", "--key-dir DIR [--name PREFIX]",
     "create a root CA and issuing CAs (officer, server-rsa, server-ecc, client); keys go to DIR with mode 0600", ca_init},
    {"ca", "import", "--role ROLE --cert PEM --key PEM --key-dir DIR [--name NAME] [--parent CA_NAME]",
     "import an existing CA certificate and key (replaces the active CA of that role)", ca_import},
    {"ca", "list", "", "list CAs", ca_list},
    {"ca", "cert", "--role ROLE [--chain yes]", "print the active CA certificate of a role (with --chain, its parents too)", ca_cert},
});

}  // namespace
}  // namespace inkanctl

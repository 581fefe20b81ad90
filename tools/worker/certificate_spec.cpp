#include "worker/certificate_spec.hpp"

#include <algorithm>

#include "profile/validity.hpp"
#include "settings/settings.hpp"
#include "tsv/dn.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace inkan::worker {

namespace {
// Certificate subjects encode C first; officer certificates name the officer
// under the institution, the others carry the DN of the application.
std::vector<tsv::Rdn> subject_of(const store::QueuedIssuance& a) {
    if (a.kind == authz::Kind::officer) {
        return {{"C", "JP"}, {"ST", a.institution_st}, {"L", a.institution_l}, {"O", a.institution_o}, {"CN", a.officer_name}};
    }
    auto dn = tsv::parse_dn(a.subject_dn);
    if (!dn) throw InternalError("stored subject DN does not parse: " + a.subject_dn);
    std::vector<tsv::Rdn> subject(dn->rbegin(), dn->rend());  // the TSV writes CN..C
    // Sponsor-validated S/MIME certificates name the institution's registration
    // reference right after O (S/MIME BR 7.1.4.2.2).
    if (a.kind == authz::Kind::smime) {
        auto o = std::find_if(subject.begin(), subject.end(), [](const tsv::Rdn& r) { return r.first == "O"; });
        if (o == subject.end() || a.organization_identifier.empty()) {
            throw InternalError("an S/MIME subject needs O and the institution's organizationIdentifier");
        }
        subject.insert(o + 1, {"organizationIdentifier", a.organization_identifier});
    }
    return subject;
}

// A person's certificate: the key usage its kind needs.  S/MIME (multipurpose)
// signs, and with RSA also receives encrypted keys; client authentication only signs.
std::string person_key_usage(const profile::Profile& p, EVP_PKEY* key) {
    if (p.kind == authz::Kind::smime && EVP_PKEY_is_a(key, "RSA")) return "critical,digitalSignature,keyEncipherment";
    if (p.kind == authz::Kind::smime) return "critical,digitalSignature,keyAgreement";
    return "critical,digitalSignature";
}

bool for_a_person(const profile::Profile& p) { return p.kind == authz::Kind::client || p.kind == authz::Kind::smime; }
}  // namespace

IssuanceSettings::IssuanceSettings(store::Connection& c, const profile::Profile& p)
    : crl_url(profile::has_status_pointers(p) ? settings::get_optional(c, "crl_url") : ""),
      ocsp_url(profile::has_status_pointers(p) ? settings::get_optional(c, "ocsp_url") : ""),
      ca_issuers_url(profile::has_status_pointers(p) ? settings::get_optional(c, "ca_issuers_url") : ""),
      policy_oids(p.policy_oids_setting.empty() ? std::vector<std::string>{}
                                                : text::comma_list(settings::get_optional(c, p.policy_oids_setting))),
      rsa_key_encipherment(settings::get_bool(c, "rsa_key_encipherment")),
      legacy_pkcs12(settings::get_bool(c, "pkcs12_legacy")) {}

ca::CertSpec certificate_spec(const profile::Profile& p, const IssuanceSettings& s, const store::QueuedIssuance& a,
                              EVP_PKEY* public_key, int64_t ca_id, std::time_t ca_not_after) {
    ca::CertSpec spec;
    spec.subject = subject_of(a);
    spec.public_key = public_key;
    spec.not_before = std::time(nullptr);
    spec.not_after = std::min(profile::not_after_for(spec.not_before, profile::validity_days(p, spec.not_before)), ca_not_after);
    // keyEncipherment only serves TLS RSA key exchange, gone from TLS 1.3.
    bool encipher = s.rsa_key_encipherment && EVP_PKEY_is_a(public_key, "RSA") && p.cap == profile::Cap::tls;
    spec.key_usage = encipher ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature";
    spec.extended_key_usage = p.extended_key_usage;
    if (for_a_person(p)) {
        spec.key_usage = person_key_usage(p, public_key);
        spec.emails = {a.end_user_email};
    } else {
        spec.dns_names = a.dns_names;
    }
    spec.policy_oids = s.policy_oids;
    if (!s.crl_url.empty()) {
        spec.extensions.push_back({NID_crl_distribution_points, "URI:" + s.crl_url + std::to_string(ca_id) + ".crl"});
    }
    std::string aia;
    if (!s.ocsp_url.empty()) aia = "OCSP;URI:" + s.ocsp_url;
    if (!s.ca_issuers_url.empty()) {
        aia += (aia.empty() ? "" : ",") + std::string("caIssuers;URI:") + s.ca_issuers_url + std::to_string(ca_id) + ".crt";
    }
    if (!aia.empty()) spec.extensions.push_back({NID_info_access, aia});
    return spec;
}

}  // namespace inkan::worker

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
    return {dn->rbegin(), dn->rend()};  // the TSV writes CN..C
}
}  // namespace

IssuanceSettings::IssuanceSettings(store::Connection& c, const profile::Profile& p)
    : crl_url(profile::has_status_pointers(p) ? settings::get_optional(c, "crl_url") : ""),
      ocsp_url(profile::has_status_pointers(p) ? settings::get_optional(c, "ocsp_url") : ""),
      ca_issuers_url(profile::has_status_pointers(p) ? settings::get_optional(c, "ca_issuers_url") : ""),
      policy_oids(p.policy_oids_setting.empty() ? std::vector<std::string>{}
                                                : text::comma_list(settings::get_optional(c, p.policy_oids_setting))),
      rsa_key_encipherment(settings::get_bool(c, "rsa_key_encipherment")) {}

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
    spec.dns_names = a.dns_names;
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

#include "ca/lint.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "profile/validity.hpp"
#include "crypto/x509.hpp"
#include "profile/profile.hpp"
#include "policy/names.hpp"

namespace inkan::ca {

namespace {

struct Findings {
    std::vector<std::string> list;
    void check(bool ok, const std::string& what) {
        if (!ok) list.push_back(what);
    }
};

std::string asn1_text(const ASN1_STRING* s) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
}

// The certificate's key: decoded from the TBS, or, when the builder copied the
// request's SubjectPublicKeyInfo as bytes (and so cached no decoded key), the
// request's decoded key, provided the TBS holds exactly the request's
// algorithm, parameters and key bits.  Null when neither holds.
EVP_PKEY* subject_key(X509* cert, const LintExpectations& expect) {
    if (!expect.request_spki) return X509_get0_pubkey(cert);
    ASN1_OBJECT *ours_oid = nullptr, *theirs_oid = nullptr;
    const unsigned char *ours = nullptr, *theirs = nullptr;
    int ours_len = 0, theirs_len = 0;
    X509_ALGOR *ours_alg = nullptr, *theirs_alg = nullptr;
    if (X509_PUBKEY_get0_param(&ours_oid, &ours, &ours_len, &ours_alg, X509_get_X509_PUBKEY(cert)) != 1 ||
        X509_PUBKEY_get0_param(&theirs_oid, &theirs, &theirs_len, &theirs_alg, expect.request_spki) != 1) {
        return nullptr;
    }
    bool same = ours_alg && theirs_alg && X509_ALGOR_cmp(ours_alg, theirs_alg) == 0 && ours_len == theirs_len &&
                ours_len > 0 && std::memcmp(ours, theirs, static_cast<size_t>(ours_len)) == 0;
    return same ? X509_PUBKEY_get0(expect.request_spki) : nullptr;
}

void lint_serial(X509* cert, Findings& f) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
    crypto::BigNum bn(ASN1_INTEGER_to_BN(serial, nullptr));
    f.check(bn && !BN_is_negative(bn.get()) && !BN_is_zero(bn.get()), "serial number must be positive");
    int octets = i2d_ASN1_INTEGER(serial, nullptr) - 2;  // minus tag and length
    f.check(octets <= 20, "serial number longer than 20 octets");
    f.check(bn && BN_num_bits(bn.get()) >= 64, "serial number carries fewer than 64 bits");
}

void lint_validity(X509* cert, const profile::Profile& p, Findings& f) {
    std::time_t nb = crypto::not_before(cert), na = crypto::not_after(cert);
    f.check(na > nb, "notAfter is not after notBefore");
    long long seconds = static_cast<long long>(na) - nb + 1;
    int cap = profile::validity_days(p, nb);
    f.check(seconds <= static_cast<long long>(cap) * 86400,
            "validity exceeds the maximum of " + std::to_string(cap) + " days for profile " + p.id +
                " at notBefore (CA/Browser Forum caps included)");
    f.check(nb <= std::time(nullptr) + 60, "notBefore lies in the future");
}

struct SubjectFacts {
    std::string cn;
    bool has_o = false;
    bool c_is_jp = false;  // C=JP as a PrintableString
};

// The rules every subject follows: non-empty PrintableString or UTF8String
// values within their upper bounds, no emailAddress (mail goes into the SAN),
// and OU only where the profile allows one.
SubjectFacts lint_subject_values(X509* cert, bool ou_allowed, Findings& f) {
    X509_NAME* name = X509_get_subject_name(cert);
    SubjectFacts out;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        ASN1_STRING* v = X509_NAME_ENTRY_get_data(e);
        std::string value = asn1_text(v);
        f.check(!value.empty(), std::string("empty subject attribute ") + OBJ_nid2sn(nid));
        f.check(ASN1_STRING_type(v) == V_ASN1_PRINTABLESTRING || ASN1_STRING_type(v) == V_ASN1_UTF8STRING,
                std::string("subject ") + OBJ_nid2sn(nid) + " is neither PrintableString nor UTF8String");
        size_t limit = nid == NID_countryName ? 2 : nid == NID_commonName || nid == NID_organizationName ? 64 : 128;
        f.check(value.size() <= limit, std::string("subject ") + OBJ_nid2sn(nid) + " longer than its upper bound");
        f.check(nid != NID_pkcs9_emailAddress && (ou_allowed || nid != NID_organizationalUnitName),
                std::string("subject must not carry ") + OBJ_nid2sn(nid));
        if (nid == NID_countryName) out.c_is_jp = value == "JP" && ASN1_STRING_type(v) == V_ASN1_PRINTABLESTRING;
        if (nid == NID_commonName) out.cn = value;
        out.has_o = out.has_o || nid == NID_organizationName;
    }
    return out;
}

void lint_subject(X509* cert, const std::vector<std::string>& sans, Findings& f) {
    auto subject = lint_subject_values(cert, false, f);
    f.check(subject.c_is_jp, "subject C must be JP as a PrintableString");
    f.check(!subject.cn.empty() && std::find(sans.begin(), sans.end(), subject.cn) != sans.end(),
            "subject CN must also be a dNSName");
}

bool http_url(const std::string& uri) { return uri.rfind("http://", 0) == 0 && uri.size() > 7; }

// BR 7.1.2.7.7 / 7.1.2.11.2: CRL and AIA locations are plain http:// URLs.
void lint_urls(X509* cert, Findings& f) {
    auto* dps = static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr));
    for (int i = 0; dps && i < sk_DIST_POINT_num(dps); ++i) {
        DIST_POINT* dp = sk_DIST_POINT_value(dps, i);
        bool full = dp->distpoint && dp->distpoint->type == 0;
        f.check(full, "CRL distribution point must be a full name");
        for (const auto& uri : full ? crypto::general_names(dp->distpoint->name.fullname, GEN_URI) : std::vector<std::string>{}) {
            f.check(http_url(uri), "CRL distribution point is not an http:// URL: " + uri);
        }
    }
    CRL_DIST_POINTS_free(dps);
    auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr));
    for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
        GENERAL_NAME* where = sk_ACCESS_DESCRIPTION_value(aia, i)->location;
        bool ok = where->type == GEN_URI && http_url(asn1_text(where->d.uniformResourceIdentifier));
        f.check(ok, "authorityInfoAccess location is not an http:// URL");
    }
    AUTHORITY_INFO_ACCESS_free(aia);
}

std::vector<std::string> lint_extensions(X509* cert, X509* issuer, const LintExpectations& expect, Findings& f) {
    std::set<int> seen;
    for (int i = 0; i < X509_get_ext_count(cert); ++i) {
        X509_EXTENSION* ext = X509_get_ext(cert, i);
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        f.check(seen.insert(nid).second, std::string("duplicate extension ") + OBJ_nid2sn(nid));
        bool critical = X509_EXTENSION_get_critical(ext) != 0;
        bool may_be_critical = nid == NID_basic_constraints || nid == NID_key_usage;
        f.check(!critical || may_be_critical, std::string("extension must not be critical: ") + OBJ_nid2sn(nid));
        if (nid == NID_basic_constraints || nid == NID_key_usage) {
            f.check(critical, std::string("extension must be critical: ") + OBJ_nid2sn(nid));
        }
    }
    for (int nid : {NID_basic_constraints, NID_key_usage, NID_ext_key_usage, NID_subject_alt_name,
                    NID_authority_key_identifier}) {
        f.check(seen.count(nid) == 1, std::string("missing extension ") + OBJ_nid2sn(nid));
    }
    f.check(seen.count(NID_subject_key_identifier) == 0, "subscriber certificates carry no subjectKeyIdentifier (BR 7.1.2.7.6)");
    f.check(X509_check_ca(cert) == 0, "a server certificate must not be a CA");
    uint32_t ku = X509_get_key_usage(cert);
    f.check(ku & KU_DIGITAL_SIGNATURE, "keyUsage lacks digitalSignature");
    f.check(!(ku & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)), "keyUsage must not allow certificate or CRL signing");
    EVP_PKEY* key = subject_key(cert, expect);
    bool rsa = key && EVP_PKEY_is_a(key, "RSA");
    uint32_t allowed_ku = KU_DIGITAL_SIGNATURE | (rsa && expect.key_encipherment ? KU_KEY_ENCIPHERMENT : 0);
    f.check(!(ku & ~allowed_ku), rsa && !expect.key_encipherment
                                     ? "keyUsage must be digitalSignature only (keyEncipherment needs rsa_key_encipherment)"
                                     : "keyUsage allows more than digitalSignature (and keyEncipherment for RSA)");
    uint32_t eku = X509_get_extended_key_usage(cert);
    f.check(eku == XKU_SSL_SERVER, "extendedKeyUsage must be serverAuth only");
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
    const ASN1_OCTET_STRING* issuer_ski = X509_get0_subject_key_id(issuer);
    f.check(aki && issuer_ski && ASN1_OCTET_STRING_cmp(aki, issuer_ski) == 0,
            "authorityKeyIdentifier does not match the issuer's key");
    f.check(!expect.expect_crl_dp || seen.count(NID_crl_distribution_points), "missing CRL distribution point");
    f.check(!expect.expect_ocsp || seen.count(NID_info_access), "missing authorityInfoAccess");
    f.check(expect.policy_oids.empty() || seen.count(NID_certificate_policies), "missing certificate policies");

    std::vector<std::string> sans;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        if (g->type != GEN_DNS) {
            f.check(false, "subjectAltName may hold dNSNames only");
            continue;
        }
        sans.push_back(asn1_text(g->d.dNSName));
        auto v = policy::check_hostname(sans.back(), true);
        f.check(!v, "invalid dNSName " + sans.back());
    }
    GENERAL_NAMES_free(names);
    f.check(!sans.empty() && sans.size() <= 9, "subjectAltName must hold 1 to 9 dNSNames");
    return sans;
}

void lint_key_and_signature(X509* cert, X509* issuer, const LintExpectations& expect, Findings& f) {
    EVP_PKEY* key = subject_key(cert, expect);
    if (!key) {
        f.check(false, "the certificate's public key cannot be read, or is not the requested one");
        return;
    }
    f.check(crypto::spki_algorithm_is_canonical(X509_get_X509_PUBKEY(cert)),
            "the key's AlgorithmIdentifier is not one of the encodings BR 7.1.3.1.1 allows");
    f.check(!EVP_PKEY_is_a(key, "EC") || crypto::ec_named_curve(key), "EC keys must use a named curve, not explicit parameters");
    f.check(profile::accepts_key(expect.profile, key), "the key type is not one profile " + expect.profile.id + " accepts");
    EVP_PKEY* ca_key = X509_get0_pubkey(issuer);
    // The algorithm inside the signed bytes (the TBS): set before signing, so the lint can run first.
    const ASN1_OBJECT* sig_alg = nullptr;
    X509_ALGOR_get0(&sig_alg, nullptr, nullptr, X509_get0_tbs_sigalg(cert));
    int sig = OBJ_obj2nid(sig_alg);
    if (EVP_PKEY_is_a(ca_key, "RSA")) {
        f.check(sig == NID_sha256WithRSAEncryption, "signature algorithm must be sha256WithRSAEncryption");
    } else {
        f.check(sig == (EVP_PKEY_get_bits(ca_key) >= 384 ? NID_ecdsa_with_SHA384 : NID_ecdsa_with_SHA256),
                "signature algorithm does not match the CA key");
    }
    f.check(X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) == 0,
            "issuer name differs from the CA's subject");
    f.check(X509_get_version(cert) == X509_VERSION_3, "certificate must be version 3");
}

// A person's certificate (client authentication, S/MIME): rfc822Names only,
// key usage for signing (and RSA key transport for S/MIME), no CA powers;
// S/MIME also per the S/MIME BRs (7.1.2.3): emailProtection without
// serverAuth, codeSigning, timeStamping or anyExtendedKeyUsage, an S/MIME BR
// policy OID, a CRL distribution point, no OU, and (sponsor-validated) the
// organizationIdentifier in the subject.
// Key usage bits and EKU OIDs read from the extensions themselves, so the
// answer never depends on OpenSSL's cache of a certificate not yet signed.
uint32_t key_usage_bits(X509* cert) {
    auto* bits = static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(cert, NID_key_usage, nullptr, nullptr));
    uint32_t out = 0;
    for (int i = 0; bits && i < 9; ++i) {
        if (ASN1_BIT_STRING_get_bit(bits, i)) out |= 0x80u >> i;  // KU_* numbering: bit 0 is 0x80
    }
    if (bits && ASN1_BIT_STRING_get_bit(bits, 8)) out |= KU_DECIPHER_ONLY;
    ASN1_BIT_STRING_free(bits);
    return out;
}

std::set<int> eku_nids(X509* cert) {
    auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
    std::set<int> out;
    for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); ++i) out.insert(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)));
    EXTENDED_KEY_USAGE_free(eku);
    return out;
}

void lint_person(X509* cert, const LintExpectations& expect, Findings& f) {
    bool smime = expect.profile.kind == authz::Kind::smime;
    // C=JP where the subject names an organization (the mail signer's names only its mailbox);
    // S/MIME's OU is refused below, with the S/MIME BR reason.
    auto facts = lint_subject_values(cert, true, f);
    f.check(!facts.has_o || facts.c_is_jp, "subject C must be JP as a PrintableString");
    uint32_t ku = key_usage_bits(cert);
    f.check(ku & KU_DIGITAL_SIGNATURE, "keyUsage lacks digitalSignature");
    f.check(!(ku & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)), "keyUsage must not allow certificate or CRL signing");
    uint32_t allowed = KU_DIGITAL_SIGNATURE | (smime ? KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT : 0);
    f.check(!(ku & ~allowed), "keyUsage allows more than the profile needs");
    auto eku = eku_nids(cert);
    if (smime) {
        f.check(eku.count(NID_email_protect) == 1, "extendedKeyUsage lacks emailProtection");
        f.check(!eku.count(NID_server_auth) && !eku.count(NID_code_sign) && !eku.count(NID_time_stamp) &&
                    !eku.count(NID_anyExtendedKeyUsage),
                "extendedKeyUsage of an S/MIME certificate must not hold serverAuth, codeSigning, timeStamping or anyExtendedKeyUsage");
    } else {
        f.check(eku == std::set<int>{NID_client_auth}, "extendedKeyUsage must be clientAuth only");
    }
    auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr));
    f.check(!bc || !bc->ca, "a subscriber certificate must not be a CA");
    BASIC_CONSTRAINTS_free(bc);
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    int count = names ? sk_GENERAL_NAME_num(names) : 0;
    std::vector<std::string> emails;
    for (int i = 0; i < count; ++i) {
        GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        bool mail = g->type == GEN_EMAIL && policy::check_mail(asn1_text(g->d.rfc822Name)) == std::nullopt;
        f.check(mail, "subjectAltName may hold valid rfc822Names only");
        if (mail) emails.push_back(asn1_text(g->d.rfc822Name));
    }
    GENERAL_NAMES_free(names);
    f.check(count >= 1 && emails == expect.emails, "subjectAltName must hold exactly the end user's rfc822Name");
    f.check(!expect.expect_crl_dp || X509_get_ext_by_NID(cert, NID_crl_distribution_points, -1) >= 0,
            "missing CRL distribution point");
    if (!smime) return;
    f.check(X509_get_ext_by_NID(cert, NID_crl_distribution_points, -1) >= 0, "S/MIME certificates need a CRL distribution point");
    bool br_policy = std::any_of(expect.policy_oids.begin(), expect.policy_oids.end(),
                                 [](const std::string& oid) { return oid.rfind("2.23.140.1.5.", 0) == 0; });
    f.check(br_policy && X509_get_ext_by_NID(cert, NID_certificate_policies, -1) >= 0,
            "S/MIME certificates need an S/MIME BR policy OID (2.23.140.1.5.*)");
    X509_NAME* subject = X509_get_subject_name(cert);
    bool sponsor_validated = std::any_of(expect.policy_oids.begin(), expect.policy_oids.end(),
                                         [](const std::string& oid) { return oid.rfind("2.23.140.1.5.3.", 0) == 0; });
    f.check(!sponsor_validated || X509_NAME_get_index_by_NID(subject, NID_organizationIdentifier, -1) >= 0,
            "sponsor-validated S/MIME subjects need organizationIdentifier");
    f.check(X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1) < 0,
            "S/MIME subjects carry no organizationalUnitName (S/MIME BR: only an Affiliate's legal name)");
}

}  // namespace

std::vector<std::string> lint_server_certificate(X509* cert, X509* issuer, const LintExpectations& expect) {
    Findings f;
    lint_serial(cert, f);
    lint_validity(cert, expect.profile, f);
    auto sans = lint_extensions(cert, issuer, expect, f);
    lint_urls(cert, f);
    lint_subject(cert, sans, f);
    lint_key_and_signature(cert, issuer, expect, f);
    ERR_clear_error();
    return f.list;
}

std::vector<std::string> lint_certificate(X509* cert, X509* issuer, const LintExpectations& expect) {
    if (expect.profile.lint == "tls-server") return lint_server_certificate(cert, issuer, expect);
    Findings f;
    lint_serial(cert, f);
    lint_validity(cert, expect.profile, f);
    lint_urls(cert, f);
    lint_key_and_signature(cert, issuer, expect, f);
    f.check(X509_get_ext_by_NID(cert, NID_ext_key_usage, -1) >= 0, "extendedKeyUsage is missing");
    if (expect.profile.kind == authz::Kind::client || expect.profile.kind == authz::Kind::smime) lint_person(cert, expect, f);
    f.check(X509_get_ext_by_NID(cert, NID_basic_constraints, -1) < 0 || !X509_check_ca(cert), "a subscriber certificate must not be a CA");
    ERR_clear_error();
    return f.list;
}

}  // namespace inkan::ca

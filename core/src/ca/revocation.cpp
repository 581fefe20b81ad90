#include "ca/revocation.hpp"

#include <openssl/ocsp.h>

#include "ca/builder.hpp"

namespace inkan::ca {

using crypto::check;
using crypto::check_ptr;

namespace {
template <class T, auto Free>
using Owned = std::unique_ptr<T, crypto::Free<Free>>;

using Crl = Owned<X509_CRL, X509_CRL_free>;
using Time = Owned<ASN1_TIME, ASN1_TIME_free>;

Time make_time(std::time_t t) { return Time(check_ptr(ASN1_TIME_set(nullptr, t), "ASN1_TIME_set")); }

crypto::Asn1Int serial_from_hex(const std::string& hex) {
    BIGNUM* raw = nullptr;
    check(BN_hex2bn(&raw, hex.c_str()) > 0, "BN_hex2bn");
    crypto::BigNum bn(raw);
    return crypto::Asn1Int(check_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "BN_to_ASN1_INTEGER"));
}

void add_crl_ext(X509_CRL* crl, X509* ca, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ca, nullptr, nullptr, crl, 0);
    crypto::X509ExtPtr ext(check_ptr(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value), "X509V3_EXT_conf_nid"));
    check(X509_CRL_add_ext(crl, ext.get(), -1) == 1, "X509_CRL_add_ext");
}

}  // namespace

std::string sign_crl(X509* ca_cert, EVP_PKEY* ca_key, int64_t number, std::time_t this_update, std::time_t next_update,
                     const std::vector<RevokedEntry>& revoked) {
    Crl crl(check_ptr(X509_CRL_new(), "X509_CRL_new"));
    check(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) == 1, "X509_CRL_set_version");
    check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert)) == 1, "X509_CRL_set_issuer_name");
    auto last = make_time(this_update), next = make_time(next_update);
    check(X509_CRL_set1_lastUpdate(crl.get(), last.get()) == 1 && X509_CRL_set1_nextUpdate(crl.get(), next.get()) == 1,
          "CRL times");
    for (const auto& r : revoked) {
        X509_REVOKED* entry = check_ptr(X509_REVOKED_new(), "X509_REVOKED_new");
        auto serial = serial_from_hex(r.serial_hex);
        auto when = make_time(r.revoked_at);
        bool ok = X509_REVOKED_set_serialNumber(entry, serial.get()) == 1 &&
                  X509_REVOKED_set_revocationDate(entry, when.get()) == 1;
        if (ok && r.reason != 0) {
            Owned<ASN1_ENUMERATED, ASN1_ENUMERATED_free> reason(ASN1_ENUMERATED_new());
            ok = reason && ASN1_ENUMERATED_set(reason.get(), r.reason) == 1 &&
                 X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, reason.get(), 0, 0) == 1;
        }
        if (!ok || X509_CRL_add0_revoked(crl.get(), entry) != 1) {
            X509_REVOKED_free(entry);
            check(false, "CRL entry");
        }
    }
    check(X509_CRL_sort(crl.get()) == 1, "X509_CRL_sort");
    add_crl_ext(crl.get(), ca_cert, NID_authority_key_identifier, "keyid:always");
    crypto::BigNum n(BN_new());
    check(n && BN_set_word(n.get(), static_cast<BN_ULONG>(number)) == 1, "CRL number");
    crypto::Asn1Int crl_number(check_ptr(BN_to_ASN1_INTEGER(n.get(), nullptr), "CRL number"));
    check(X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) == 1, "CRL number extension");
    check(X509_CRL_sign(crl.get(), ca_key, digest_for(ca_key)) > 0, "X509_CRL_sign");
    return crypto::to_der(i2d_X509_CRL, static_cast<const X509_CRL*>(crl.get()));
}

std::string sign_ocsp(X509* cert, X509* ca_cert, EVP_PKEY* ca_key, const EVP_MD* certid_digest, const OcspStatus& status,
                      std::time_t this_update, std::time_t next_update) {
    Owned<OCSP_BASICRESP, OCSP_BASICRESP_free> basic(check_ptr(OCSP_BASICRESP_new(), "OCSP_BASICRESP_new"));
    OCSP_CERTID* id = check_ptr(OCSP_cert_to_id(certid_digest, cert, ca_cert), "OCSP_cert_to_id");
    Owned<OCSP_CERTID, OCSP_CERTID_free> id_owner(id);
    auto this_t = make_time(this_update), next_t = make_time(next_update);
    Time revoked_t = status.revoked ? make_time(status.revoked_at) : Time(nullptr);
    check(OCSP_basic_add1_status(basic.get(), id, status.revoked ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD,
                                 status.revoked && status.reason != 0 ? status.reason : -1, revoked_t.get(), this_t.get(), next_t.get()) != nullptr,
          "OCSP_basic_add1_status");
    check(OCSP_basic_sign(basic.get(), ca_cert, ca_key, digest_for(ca_key), nullptr, OCSP_NOCERTS | OCSP_RESPID_KEY) == 1,
          "OCSP_basic_sign");
    Owned<OCSP_RESPONSE, OCSP_RESPONSE_free> resp(
        check_ptr(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()), "OCSP_response_create"));
    return crypto::to_der(i2d_OCSP_RESPONSE, static_cast<const OCSP_RESPONSE*>(resp.get()));
}

}  // namespace inkan::ca

// ACME Renewal Information (RFC 9773): when a client should renew.  The
// window sits in the last third of the lifetime the profile would give today,
// so certificates renew early when the CA/Browser Forum cap shrinks; a
// revoked certificate gets a window in the past (renew now).
#include <ctime>

#include <nlohmann/json.hpp>

#include "acme/handlers.hpp"
#include "acme/problem.hpp"
#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "profile/validity.hpp"
#include "policy/serial.hpp"
#include "store/profiles.hpp"

namespace inkan::acme {

namespace {
// keyIdentifier of the AKI "." the serial's DER INTEGER contents, both base64url.
std::string certificate_id(X509* cert) {
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
    if (!aki) return "";
    crypto::BigNum serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!serial) return "";
    std::string bytes(static_cast<size_t>(BN_num_bytes(serial.get())), '\0');
    BN_bn2bin(serial.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    if (bytes.empty() || (static_cast<unsigned char>(bytes[0]) & 0x80)) bytes.insert(bytes.begin(), '\0');
    std::string key(reinterpret_cast<const char*>(ASN1_STRING_get0_data(aki)), static_cast<size_t>(ASN1_STRING_length(aki)));
    return crypto::base64url(key) + "." + crypto::base64url(bytes);
}

std::string iso(std::time_t t) {
    char out[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}
}  // namespace

std::optional<store::acme::Issued> certificate_named(Context& ctx, const std::string& cert_id, int64_t registration_id) {
    auto dot = cert_id.find('.');
    if (dot == std::string::npos || cert_id.size() > 512) return std::nullopt;
    std::string serial = b64url_decode(std::string_view(cert_id).substr(dot + 1), "certificate identifier");
    auto serial_hex = policy::normalize_serial("0x" + crypto::hex(serial));  // as serials are stored
    if (!serial_hex) return std::nullopt;
    auto issued = store::acme::issued_by_serial(ctx.c, *serial_hex);
    if (!issued || (registration_id != 0 && issued->registration_id != registration_id)) return std::nullopt;
    if (certificate_id(crypto::cert_from_der(issued->der).get()) != cert_id) return std::nullopt;
    return issued;
}

http::Response renewal_info(Context& ctx) {
    std::string cert_id = ctx.req.path.substr(std::string("/renewal-info/").size());
    auto issued = certificate_named(ctx, cert_id, 0);
    if (!issued) throw Problem("malformed", "no ACME certificate has this identifier", "この識別子の ACME 証明書はありません。", 404);
    auto cert = crypto::cert_from_der(issued->der);
    std::time_t nb = crypto::not_before(cert.get()), na = crypto::not_after(cert.get());
    std::time_t now = std::time(nullptr), start = 0, end = 0;
    if (issued->revoked) {
        start = now - 2 * 86400;
        end = now - 86400;
    } else {
        // What the certificate's profile would give today, if that is shorter.
        auto catalog = store::load_profiles(ctx.c);
        std::time_t lifetime = na - nb;
        if (const auto* p = catalog.find(issued->profile)) {
            lifetime = std::min<std::time_t>(lifetime, profile::validity_days(*p, now) * 86400L);
        }
        start = nb + lifetime * 2 / 3;
        end = nb + lifetime * 5 / 6;
    }
    http::Response resp = json_response(200, {{"suggestedWindow", {{"start", iso(start)}, {"end", iso(end)}}}});
    resp.headers.emplace_back("Retry-After", "21600");
    return resp;
}

}  // namespace inkan::acme

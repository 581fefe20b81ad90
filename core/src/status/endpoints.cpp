#include "status/endpoints.hpp"

#include <openssl/ocsp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "http/router.hpp"
#include "status/cache.hpp"
#include "store/cas.hpp"
#include "store/status_documents.hpp"
#include "util/codes.hpp"

namespace inkan::status {

namespace {
using http::not_found;

// Revocations re-sign at once; an hour bounds how long a cache keeps the old answer.
constexpr int64_t kMaxAgeCap = 3600;

http::Response binary(const char* type, std::string body, int64_t max_age) {
    return http::Response{200,
                          {{"Content-Type", type},
                           {"Cache-Control", max_age > 0 ? "public, max-age=" + std::to_string(max_age) : "no-store"},
                           {"X-Content-Type-Options", "nosniff"}},
                          std::move(body)};
}

// IMF-fixdate (RFC 9110 §5.6.7), independent of the process locale.
std::string http_date(int64_t epoch) {
    static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = static_cast<std::time_t>(epoch);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

// A signed status document (CRL, OCSP response) with the RFC 5019 §6.2
// caching headers: Last-Modified = thisUpdate, Expires = nextUpdate, an
// ETag over the bytes, and a max-age that never outlives nextUpdate.
http::Response status_document(const http::Request& req, const char* type, const CachedDocument& doc) {
    int64_t this_update = doc.this_update, next_update = doc.next_update;
    const std::string& etag = doc.etag;
    int64_t left = next_update - static_cast<int64_t>(std::time(nullptr));
    bool unchanged = req.header("If-None-Match") == std::optional<std::string_view>(etag);
    std::string cache_control = left > 0 ? "max-age=" + std::to_string(std::min(left, kMaxAgeCap)) +
                                               ", public, no-transform, must-revalidate"
                                         : "no-store";
    return http::Response{unchanged ? 304 : 200,
                          {{"Content-Type", type},
                           {"Cache-Control", cache_control},
                           {"Last-Modified", http_date(this_update)},
                           {"Expires", http_date(next_update)},
                           {"ETag", etag},
                           {"X-Content-Type-Options", "nosniff"}},
                          unchanged ? std::string() : doc.der};
}

// An OCSPResponse without a body: malformedRequest (1) or unauthorized (6).
http::Response ocsp_status(int status) {
    std::unique_ptr<OCSP_RESPONSE, crypto::Free<OCSP_RESPONSE_free>> r(OCSP_response_create(status, nullptr));
    crypto::check(r != nullptr, "OCSP_response_create");
    return binary("application/ocsp-response", crypto::to_der(i2d_OCSP_RESPONSE, static_cast<const OCSP_RESPONSE*>(r.get())), 0);
}

// The request bytes: POST body, or the path below the mount, URL- then base64-decoded.
std::optional<std::string> ocsp_request_bytes(const http::Request& req) {
    if (req.method == "POST") return req.body;
    std::string encoded = req.path.substr(1), b64;
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    for (size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%') {
            if (i + 2 >= encoded.size() || !hex(encoded[i + 1]) || !hex(encoded[i + 2])) return std::nullopt;
            b64 += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            b64 += encoded[i];
        }
    }
    try {
        return crypto::unbase64(b64);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// <CA id>.crl: the CA's newest CRL (the CRL distribution point of its certificates).
// CA ids are 32-bit in the database; a larger one names no CA.
constexpr int64_t kMaxCaId = 2147483647;

std::string crl_key(int64_t ca_id) { return "crl:" + std::to_string(ca_id); }

http::Response crl_response(const http::Request& req, const CachedDocument& crl) {
    return status_document(req, "application/pkix-crl", crl);
}

http::Response crl_document(store::Pool& pool, Cache& cache, const http::Request& req, int64_t ca_id) {
    if (ca_id > kMaxCaId) throw not_found();
    if (auto hit = cache.find(crl_key(ca_id))) return crl_response(req, *hit);
    uint64_t seen = cache.generation();
    auto crl = pool.with_idempotent([&](store::Connection& c) { return store::newest_crl(c, ca_id); });
    if (!crl) throw not_found();
    CachedDocument doc{crl->der, crl->this_update, crl->next_update};
    cache.put(crl_key(ca_id), doc, seen);
    return crl_response(req, doc);
}

// <CA id>.crt: the CA certificate (AIA caIssuers).
http::Response ca_certificate(store::Pool& pool, Cache&, const http::Request&, int64_t ca_id) {
    if (ca_id > kMaxCaId) throw not_found();
    return pool.with_idempotent([&](store::Connection& c) {
        auto ca = store::ca_by_id(c, ca_id);
        if (!ca) throw not_found();
        auto cert = crypto::cert_from_pem(ca->cert_pem);
        return binary("application/pkix-cert", crypto::cert_to_der(cert.get()), 86400);
    });
}

using CrlRoute = http::Route<http::Response (*)(store::Pool&, Cache&, const http::Request&, int64_t)>;
constexpr std::array kCrlRoutes = {CrlRoute{"GET", "/{id}.crl", crl_document}, CrlRoute{"GET", "/{id}.crt", ca_certificate}};
}  // namespace

http::Response serve_crl(store::Pool& pool, Cache& cache, const http::Request& req) {
    auto match = http::route(std::span<const CrlRoute>(kCrlRoutes), req);
    return match.handler(pool, cache, req, match.captured.id);
}

namespace {
using OcspRequest = std::unique_ptr<OCSP_REQUEST, crypto::Free<OCSP_REQUEST_free>>;

// The request, if it asks about exactly one certificate (pre-signed responses answer one each).
OcspRequest parse_ocsp_request(const http::Request& req) {
    auto bytes = ocsp_request_bytes(req);
    if (!bytes || bytes->empty()) return nullptr;
    auto p = reinterpret_cast<const unsigned char*>(bytes->data());
    OcspRequest request(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(bytes->size())));
    crypto::drain_errors();
    if (!request || OCSP_request_onereq_count(request.get()) != 1) return nullptr;
    return request;
}

OCSP_CERTID* certid_of(const OcspRequest& request) {
    return OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), 0));
}

// What a CertID asks about: the serial (lower-case hex, as stored), the hash
// algorithm, and the cache key of the answer.  The key is built from the
// fields OCSP_id_cmp compares (algorithm, issuer name and key hashes, serial),
// so the hash algorithm's parameters cannot multiply entries for one answer.
struct CertIdFacts {
    std::string serial_hex;
    int hash_nid = NID_undef;
    std::string key;
};

std::optional<CertIdFacts> certid_facts(OCSP_CERTID* id) {
    ASN1_OCTET_STRING *name_hash = nullptr, *key_hash = nullptr;
    ASN1_OBJECT* hash_alg = nullptr;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(&name_hash, &hash_alg, &key_hash, &serial, id);
    if (!name_hash || !key_hash || !hash_alg || !serial) return std::nullopt;
    crypto::BigNum bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) return std::nullopt;
    char* hex = BN_bn2hex(bn.get());
    CertIdFacts f;
    f.serial_hex = hex;
    OPENSSL_free(hex);
    for (char& ch : f.serial_hex) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    f.hash_nid = OBJ_obj2nid(hash_alg);
    auto bytes = [](const ASN1_OCTET_STRING* s) {
        return crypto::hex(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                            static_cast<size_t>(ASN1_STRING_length(s))));
    };
    f.key = "ocsp:" + f.serial_hex + ":" + std::to_string(f.hash_nid) + ":" + bytes(name_hash) + ":" + bytes(key_hash);
    return f;
}

http::Response ocsp_response(const http::Request& req, const CachedDocument& doc) {
    // Only GET responses are cacheable (RFC 5019 §5).
    if (req.method != "GET") return binary("application/ocsp-response", doc.der, 0);
    return status_document(req, "application/ocsp-response", doc);
}

// GET carries the request in the path (any path below the mount), POST in the body.
http::Response ocsp(store::Pool& pool, Cache& cache, const http::Request& req) {
    OcspRequest request = parse_ocsp_request(req);
    if (!request) return ocsp_status(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    OCSP_CERTID* id = certid_of(request);
    auto facts = certid_facts(id);
    if (!facts) return ocsp_status(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    if (auto hit = cache.find(facts->key)) return ocsp_response(req, *hit);
    // Responses are pre-signed for the CertID hashes clients use.
    int hash_nid = facts->hash_nid;
    if (hash_nid != NID_sha1 && hash_nid != NID_sha256) return ocsp_status(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    const EVP_MD* certid_digest = hash_nid == NID_sha1 ? EVP_sha1() : EVP_sha256();
    const std::string& serial_hex = facts->serial_hex;

    uint64_t seen = cache.generation();
    auto stored = pool.with_idempotent([&](store::Connection& c) { return store::ocsp_response_for(c, serial_hex, hash_nid == NID_sha256); });
    if (!stored || stored->response.der.empty()) return ocsp_status(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    // The CertID must name our issuer, hashed as the stored response's is.
    auto cert = crypto::cert_from_der(stored->certificate_der);
    auto issuer = crypto::cert_from_pem(stored->issuer_pem);
    std::unique_ptr<OCSP_CERTID, crypto::Free<OCSP_CERTID_free>> ours(OCSP_cert_to_id(certid_digest, cert.get(), issuer.get()));
    if (!ours || OCSP_id_cmp(ours.get(), id) != 0) {
        crypto::drain_errors();
        return ocsp_status(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    }
    const store::StatusDocument& response = stored->response;
    CachedDocument doc{response.der, response.this_update, response.next_update};
    cache.put(facts->key, doc, seen);
    return ocsp_response(req, doc);
}

using OcspRoute = http::Route<http::Response (*)(store::Pool&, Cache&, const http::Request&)>;
constexpr std::array kOcspRoutes = {OcspRoute{"GET", "/{*}", ocsp}, OcspRoute{"POST", "/{*}", ocsp}};
}  // namespace

http::Response serve_ocsp(store::Pool& pool, Cache& cache, const http::Request& req) {
    return http::route(std::span<const OcspRoute>(kOcspRoutes), req).handler(pool, cache, req);
}

std::optional<http::Response> serve_cached(Cache& cache, const http::Request& req) {
    if (req.method != "GET") return std::nullopt;
    if (req.endpoint == "ocsp") {
        OcspRequest request = parse_ocsp_request(req);
        if (!request) return std::nullopt;
        auto facts = certid_facts(certid_of(request));
        auto hit = facts ? cache.find(facts->key) : std::nullopt;
        return hit ? std::optional(ocsp_response(req, *hit)) : std::nullopt;
    }
    if (req.endpoint == "crl") {
        // "/<id>.crl" with a plain decimal id; anything else takes the routed path.
        const std::string& p = req.path;
        if (p.size() < 6 || p.size() > 16 || p.compare(p.size() - 4, 4, ".crl") != 0) return std::nullopt;
        std::string digits = p.substr(1, p.size() - 5);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits[0] == '0') return std::nullopt;
        auto hit = cache.find(crl_key(std::stoll(digits)));
        return hit ? std::optional(crl_response(req, *hit)) : std::nullopt;
    }
    return std::nullopt;
}

}  // namespace inkan::status

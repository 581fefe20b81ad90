#include "worker/validation.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "settings/settings.hpp"
#include "store/acme_validation.hpp"
#include "store/audit.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
using store::acme::PendingValidation;

// A key authorization is short; anything longer is not one.
constexpr size_t kMaxBody = 1024;

struct Outcome {
    bool valid = false;
    std::string error;  // "<ACME error type>: <detail>"
};

std::string key_authorization(const PendingValidation& v) { return v.token + "." + v.thumbprint; }

size_t collect(char* data, size_t size, size_t count, void* out) {
    auto* body = static_cast<std::string*>(out);
    size_t len = size * count;
    if (body->size() + len > kMaxBody) return 0;  // curl stops: the answer is too long
    body->append(data, len);
    return len;
}

// RFC 8555 §8.3: GET http://<name>/.well-known/acme-challenge/<token>, a
// small body equal to the key authorization.  Redirects are not followed
// (the RFC says SHOULD): the answer must come from the name itself, and a
// fetch can never be sent somewhere else inside the network.
Outcome http01(store::Connection& c, const PendingValidation& v) {
    std::string port = settings::get(c, "acme_http01_port");
    std::string address = settings::get_optional(c, "acme_validation_address");
    std::string url = "http://" + v.name + ":" + port + "/.well-known/acme-challenge/" + v.token;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(nullptr, curl_slist_free_all);
    if (!address.empty()) resolve.reset(curl_slist_append(nullptr, (v.name + ":" + port + ":" + address).c_str()));
    std::string body;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(curl.get(), CURLOPT_PROXY, "");  // never an http_proxy from the environment
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "inkan-acme-validator");
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(curl.get());
    if (rc == CURLE_WRITE_ERROR) return {false, "unauthorized: " + url + " answered more than a key authorization"};
    if (rc != CURLE_OK) return {false, "connection: " + url + ": " + curl_easy_strerror(rc)};
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return {false, "unauthorized: " + url + " answered HTTP " + std::to_string(status)};
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
    if (body != key_authorization(v)) return {false, "incorrectResponse: " + url + " does not answer the key authorization"};
    return {true, ""};
}

// A resolver state of its own, so the server setting stays in this lookup;
// short timeouts, so a silent server costs seconds, not minutes.
struct Resolver {
    struct __res_state state {};
    bool ready = res_ninit(&state) == 0;
    Resolver() {
        state.retrans = 2;
        state.retry = 2;
    }
    ~Resolver() {
        if (ready) res_nclose(&state);
    }
};

// The DNS server of the acme_dns_server setting ("IP" or "IP:port"), else the system's.
bool use_dns_server(res_state rs, const std::string& server) {
    if (server.empty()) return true;
    auto colon = server.find(':');
    std::string ip = server.substr(0, colon);
    int port = colon == std::string::npos ? 53 : std::atoi(server.c_str() + colon + 1);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (port <= 0 || port > 65535 || inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) return false;
    rs->nsaddr_list[0] = addr;
    rs->nscount = 1;
    return true;
}

// RFC 8555 §8.4: a TXT record at _acme-challenge.<name> holding
// base64url(SHA-256(key authorization)).
Outcome dns01(store::Connection& c, const PendingValidation& v) {
    std::string expected = crypto::base64url(crypto::sha256(key_authorization(v)));
    std::string owner = "_acme-challenge." + v.name;
    // Our own trouble is not the client's failure: the challenge waits for the lease to end.
    Resolver resolver;
    if (!resolver.ready) throw InternalError("dns-01: the resolver cannot be initialised");
    if (!use_dns_server(&resolver.state, settings::get_optional(c, "acme_dns_server"))) {
        throw InternalError("dns-01: the acme_dns_server setting is not IP or IP:port");
    }
    std::vector<unsigned char> answer(65535);
    int len = res_nquery(&resolver.state, owner.c_str(), ns_c_in, ns_t_txt, answer.data(), static_cast<int>(answer.size()));
    if (len < 0) return {false, "dns: no TXT record at " + owner};
    // res_nquery reports a truncated TCP answer's full length.
    if (len > static_cast<int>(answer.size())) return {false, "dns: the answer for " + owner + " is too large"};
    ns_msg msg;
    if (ns_initparse(answer.data(), len, &msg) != 0) return {false, "dns: unreadable answer for " + owner};
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
        ns_rr rr;
        if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_txt) continue;
        // One record: character-strings (a length byte, then the bytes), concatenated.
        const unsigned char* p = ns_rr_rdata(rr);
        const unsigned char* end = p + ns_rr_rdlen(rr);
        std::string text;
        while (p < end && p + 1 + *p <= end) {
            text.append(reinterpret_cast<const char*>(p + 1), *p);
            p += 1 + *p;
        }
        if (text == expected) return {true, ""};
    }
    return {false, "incorrectResponse: no TXT record at " + owner + " holds the key authorization's digest"};
}

// What goes into a URL or a DNS query: a registered LDH name, a token of
// base64url characters as the database makes them.
bool fetchable(const PendingValidation& v) {
    auto ldh = [](unsigned char ch) { return std::isalnum(ch) || ch == '-' || ch == '.'; };
    auto b64 = [](unsigned char ch) { return std::isalnum(ch) || ch == '-' || ch == '_'; };
    return v.registered && !v.name.empty() && v.name.size() <= 253 && std::all_of(v.name.begin(), v.name.end(), ldh) &&
           v.token.size() == 43 && std::all_of(v.token.begin(), v.token.end(), b64);
}
}  // namespace

bool validate_next_challenge(store::Connection& c, const std::string& actor) {
    // The lease is committed at once: no transaction stays open while we fetch.
    auto v = store::acme::claim_validation(c);
    if (!v) return false;
    Outcome o = !fetchable(*v)          ? Outcome{false, "rejectedIdentifier: " + v->name + " is not a registered name"}
                : v->type == "http-01" ? http01(c, *v)
                                       : dns01(c, *v);
    store::Transaction tx(c);
    store::acme::record_validation(c, *v, o.valid, o.error);
    audit::append(c, actor, o.valid ? "acme.validated" : "acme.validation_failed",
                  "acme_challenge:" + std::to_string(v->challenge_id),
                  {{"name", v->name}, {"type", v->type}, {"error", o.error}});
    tx.commit();
    return true;
}

}  // namespace inkan::worker

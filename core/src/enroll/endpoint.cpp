#include "enroll/endpoint.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "enroll/issuance.hpp"
#include "enroll/pickup.hpp"
#include "http/fields.hpp"
#include "http/router.hpp"
#include "officer/auth.hpp"
#include "util/codes.hpp"

namespace inkan::enroll {

namespace {
using http::Request;
using http::Response;
using nlohmann::json;

Error bad_request(Message m) { return Error(codes::kBadRequest, std::move(m), 400); }

Response no_store(Response r) {
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

// The PKCS#12 and its one-time password.
Response deliver(const Collected& got) {
    return no_store(Response::json(200, json{{"serial", got.serial},
                                             {"subject", got.subject},
                                             {"not_after_epoch", got.not_after},
                                             {"pkcs12", crypto::base64(got.pkcs12)},
                                             {"password", got.password}}
                                            .dump()));
}

int64_t application_param(const std::map<std::string, std::string>& params) {
    std::string a = http::text_field(params, "a");
    if (a.empty() || a.size() > 18 || a.find_first_not_of("0123456789") != std::string::npos) {
        throw bad_request({"申請番号 (a) が正しくありません。", "The application number (a) is not valid."});
    }
    return std::stoll(a);
}

// Issuing: the client polls `collect` (Retry-After).  `resume`, when the
// request was just queued, is the sealing key: only the requester gets it.
Response progress(const Request& req, int64_t application_id, const std::string& resume = "") {
    json body = {{"status", "issuing"}, {"application", application_id}, {"collect", req.link("collect")}};
    if (!resume.empty()) body["resume"] = resume;
    Response resp = no_store(Response::json(202, body.dump()));
    resp.headers.emplace_back("Retry-After", "1");
    return resp;
}

// GET: who the link is for and how many PINs may still be tried (nothing is
// consumed, so a mail scanner's prefetch is harmless).  POST: claims it with the PIN.
Response pickup(store::Pool& pool, const Request& req) {
    if (req.method != "POST") {
        std::string token = http::text_field(req.query_params(), "t");
        if (token.empty()) throw bad_request({"URLにトークンがありません。", "The URL has no token."});
        Pickup p = pool.with([&](store::Connection& c) { return open_pickup(c, token); });
        return no_store(Response::json(200, json{{"officer_name", p.officer_name}, {"attempts_left", p.attempts_left}}.dump()));
    }
    auto form = req.form();
    std::string token = http::text_field(form, "t"), pin = http::text_field(form, "pin");
    if (token.empty() || pin.empty()) {
        throw bad_request({"トークンとアクセスPINが必要です (フィールド t, pin)。",
                           "The token and the access PIN are required (fields t, pin)."});
    }
    Pickup p = pool.with([&](store::Connection& c) { return claim_pickup(c, token, pin, req.peer); });
    try {
        Queued q = pool.with(
            [&](store::Connection& c) { return queue_officer_certificate(c, p.officer_id, p.institution_id, p.id); });
        return progress(req, q.application_id, q.resume);
    } catch (...) {
        pool.with([&](store::Connection& c) { release_pickup(c, p); });
        throw;
    }
}

// GET: whether the presented officer certificate may be renewed, with the
// session's CSRF token.  POST (with the token): queues the new certificate.
Response renew(store::Pool& pool, const Request& req) {
    std::string fingerprint = officer::presented_fingerprint(req);
    auto [who, session] = pool.with([&](store::Connection& c) {
        officer::Identity who = officer::authenticate(c, fingerprint);
        return std::pair(who, officer::touch_session(c, who, req.peer));
    });
    if (!who.renewable) {
        throw Error(codes::kRenewalWindow,
                    {"この証明書はまだ更新できません (有効期限 " + who.not_after + ")。",
                     "This certificate cannot be renewed yet (valid until " + who.not_after + ")."},
                    403);
    }
    if (req.method != "POST") {
        return Response::json(200, json{{"renewable", true}, {"not_after", who.not_after}, {"csrf_token", session.csrf_token}}.dump());
    }
    officer::require_csrf(req, session);
    // Structured bindings cannot be captured by a lambda (before C++20 in every compiler).
    int64_t officer_id = who.officer_id, institution_id = who.institution_id;
    Queued q = pool.with(
        [&](store::Connection& c) { return queue_officer_certificate(c, officer_id, institution_id, std::nullopt); });
    return progress(req, q.application_id, q.resume);
}

// The requester presents the sealing key ("resume"); collecting twice, or
// without the key, yields nothing.
Response collect(store::Pool& pool, const Request& req) {
    const auto& form = req.form();
    int64_t id = application_param(form);
    std::string resume = http::text_field(form, "resume");
    if (resume.empty()) {
        throw bad_request({"受け取りの鍵 (resume) がありません。", "The collection key (resume) is missing."}).about("resume");
    }
    auto collected = pool.with([&](store::Connection& c) {
        return collect_officer_certificate(c, id, resume, "enroll:" + req.peer);
    });
    if (!collected) return progress(req, id);
    return deliver(*collected);
}

using Route = http::Route<Response (*)(store::Pool&, const Request&)>;

constexpr std::array kRoutes = {
    Route{"GET", "/pickup", pickup}, Route{"POST", "/pickup", pickup}, Route{"GET", "/renew", renew},
    Route{"POST", "/renew", renew},  Route{"POST", "/collect", collect},
};
}  // namespace

Response serve(store::Pool& pool, const Request& req) {
    return http::route(std::span<const Route>(kRoutes), req).handler(pool, req);
}

}  // namespace inkan::enroll

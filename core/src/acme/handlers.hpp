// Handlers of the acme endpoint.  Each runs on the request's database
// connection after endpoint.cpp has checked the JWS (signature, url, nonce)
// and, for kid requests, loaded the account; each checks that the objects it
// touches belong to that account.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acme/jws.hpp"
#include "acme/problem.hpp"
#include "http/request.hpp"
#include "store/acme.hpp"
#include "store/pg.hpp"

namespace inkan::acme {

struct Context {
    store::Connection& c;
    const http::Request& req;
    std::string base;  // e.g. https://ra.example.ac.jp/acme (no trailing slash)
    int64_t id = 0;    // the {id} of the route
    Jws jws;           // POST requests
    std::optional<store::acme::Account> account;  // requests signed with kid

    std::string url(std::string_view rel) const { return base + "/" + std::string(rel); }
    std::string url(std::string_view rel, int64_t object_id) const { return url(rel) + "/" + std::to_string(object_id); }
    // The kid account; the caller's route guarantees one.
    const store::acme::Account& acct() const { return *account; }
};

http::Response json_response(int status, const nlohmann::json& body);
// POST-as-GET resources take an empty payload only (RFC 8555 §6.3).
void require_post_as_get(const Context& ctx);
// A member of a payload object that must be a string / a boolean when present.
std::string string_or(const nlohmann::json& object, const char* name, const std::string& fallback);
bool bool_or(const nlohmann::json& object, const char* name, bool fallback);
// A statement refused with `sqlstate` (a race another request won) as `problem`.
template <class F>
auto or_problem(const char* sqlstate, const Problem& problem, F&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const store::QueryError& e) {
        if (e.sqlstate() == sqlstate) throw problem;
        throw;
    }
}

// accounts.cpp
http::Response new_account(Context& ctx);
http::Response account_update(Context& ctx);
http::Response account_orders(Context& ctx);
http::Response key_change(Context& ctx);
nlohmann::json account_json(const Context& ctx, const store::acme::Account& a);
// orders.cpp
http::Response new_order(Context& ctx);
http::Response order_status(Context& ctx);
http::Response finalize(Context& ctx);
http::Response authorization(Context& ctx);
http::Response challenge(Context& ctx);
// certificates.cpp
http::Response certificate_chain(Context& ctx);
http::Response certificate_chain_with_root(Context& ctx);
http::Response revoke_certificate(Context& ctx);
// renewal_info.cpp
http::Response renewal_info(Context& ctx);

// renewal_info.cpp: the ACME certificate a RFC 9773 certificate identifier
// names, if it is one of the registration's (any registration when 0).
std::optional<store::acme::Issued> certificate_named(Context& ctx, const std::string& cert_id, int64_t registration_id);

}  // namespace inkan::acme

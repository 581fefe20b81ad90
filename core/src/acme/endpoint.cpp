#include "acme/endpoint.hpp"

#include <array>
#include <span>

#include "acme/handlers.hpp"
#include "acme/problem.hpp"
#include "crypto/random.hpp"
#include "http/router.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace inkan::acme {

namespace {
// How a route authenticates: not at all (GET), by account (kid), by a key
// in the request (jwk: newAccount), or either (revokeCert).
enum class Auth { none, kid, jwk, either };

struct Handler {
    http::Response (*fn)(Context&);
    Auth auth;
};

using Route = http::Route<Handler>;

http::Response directory(Context& ctx);
http::Response new_nonce(Context& ctx);

constexpr std::array kRoutes = {
    Route{"GET", "/directory", {directory, Auth::none}},
    Route{"GET", "/new-nonce", {new_nonce, Auth::none}},
    Route{"POST", "/new-account", {new_account, Auth::jwk}},
    Route{"POST", "/acct/{id}", {account_update, Auth::kid}},
    Route{"POST", "/acct/{id}/orders", {account_orders, Auth::kid}},
    Route{"POST", "/key-change", {key_change, Auth::kid}},
    Route{"POST", "/new-order", {new_order, Auth::kid}},
    Route{"POST", "/order/{id}", {order_status, Auth::kid}},
    Route{"POST", "/order/{id}/finalize", {finalize, Auth::kid}},
    Route{"POST", "/authz/{id}", {authorization, Auth::kid}},
    Route{"POST", "/chall/{id}", {challenge, Auth::kid}},
    Route{"POST", "/cert/{id}", {certificate_chain, Auth::kid}},
    Route{"POST", "/cert/{id}/with-root", {certificate_chain_with_root, Auth::kid}},
    Route{"POST", "/revoke-cert", {revoke_certificate, Auth::either}},
    Route{"GET", "/renewal-info/{*}", {renewal_info, Auth::none}},
};

constexpr int kNonceSeconds = 3600;

http::Response directory(Context& ctx) {
    nlohmann::json d = {{"newNonce", ctx.url("new-nonce")},
                        {"newAccount", ctx.url("new-account")},
                        {"newOrder", ctx.url("new-order")},
                        {"revokeCert", ctx.url("revoke-cert")},
                        {"keyChange", ctx.url("key-change")},
                        {"renewalInfo", ctx.url("renewal-info")},
                        {"meta", {{"externalAccountRequired", true}}}};
    return json_response(200, d);
}

// HEAD answers 200, GET 204 (RFC 8555 §7.2); serve() stores and adds the nonce.
http::Response new_nonce(Context& ctx) {
    http::Response resp{ctx.req.method == "HEAD" ? 200 : 204, {{"Cache-Control", "no-store"}}, ""};
    return resp;
}

// scheme://host[:port]/location, from the request.  The Host header is
// restricted to host name characters: it ends up in every URL we hand out.
std::string base_url(const http::Request& req) {
    std::string host(req.header("Host").value_or(""));
    bool ok = !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    });
    if (!ok) throw malformed("the Host header is missing or not a host name", "Host ヘッダーがないかホスト名ではありません。");
    std::string mount = req.mount;
    while (!mount.empty() && mount.back() == '/') mount.pop_back();
    return (req.tls ? "https://" : "http://") + host + mount;
}

bool jose_content_type(const http::Request& req) {
    std::string type = text::lower(req.header("Content-Type").value_or(""));
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    return type == "application/jose+json";
}

// The account a kid names: <base>/acct/<id> of a valid account.
store::acme::Account account_of_kid(Context& ctx) {
    std::string prefix = ctx.url("acct") + "/";
    const std::string& kid = ctx.jws.kid;
    bool digits = kid.size() > prefix.size() && kid.size() <= prefix.size() + 18 &&
                  std::all_of(kid.begin() + static_cast<long>(prefix.size()), kid.end(), ::isdigit);
    if (kid.compare(0, prefix.size(), prefix) != 0 || !digits) {
        throw Problem("accountDoesNotExist", "kid is not an account URL of this server",
                      "kid はこのサーバのアカウント URL ではありません。");
    }
    auto account = store::acme::account_by_id(ctx.c, std::stoll(kid.substr(prefix.size())));
    if (!account) throw Problem("accountDoesNotExist", "no such account", "アカウントがありません。");
    if (account->status != "valid") throw deactivated();
    return *account;
}

// RFC 8555 §6.2-6.5: media type, JWS form, url, key, signature, nonce.
void authenticate(Context& ctx, Auth auth, const std::string& fresh_nonce, bool& nonce_stored) {
    if (!jose_content_type(ctx.req)) {
        throw Problem("malformed", "Content-Type must be application/jose+json",
                      "Content-Type は application/jose+json にしてください。", 415);
    }
    ctx.jws = parse_jws_text(ctx.req.body, JwsUse::request);
    if (ctx.jws.url != ctx.base + ctx.req.path) {
        throw unauthorized("the JWS url \"" + ctx.jws.url + "\" is not the URL of this request",
                           "JWS の url がこのリクエストの URL と一致しません。");
    }
    Jwk stored;
    EVP_PKEY* key = nullptr;
    if (ctx.jws.jwk) {
        if (auth == Auth::kid) {
            throw malformed("this request must be signed by an account (kid), not with jwk",
                            "このリクエストはアカウント (kid) で署名してください。");
        }
        key = ctx.jws.jwk->key.get();
    } else {
        if (auth == Auth::jwk) throw malformed("newAccount must carry the key (jwk), not kid", "newAccount には jwk が必要です。");
        ctx.account = account_of_kid(ctx);
        stored = parse_jwk(nlohmann::json::parse(ctx.acct().jwk));
        key = stored.key.get();
    }
    if (!verify_signature(ctx.jws, key)) throw malformed("the JWS signature does not verify", "JWS の署名を検証できません。");
    bool live = store::acme::swap_nonce(ctx.c, ctx.jws.nonce, fresh_nonce, kNonceSeconds);
    nonce_stored = true;
    if (!live) {
        throw Problem("badNonce", "the nonce is unknown, used or expired: take the Replay-Nonce of this answer",
                      "nonce が不明・使用済み・期限切れです。この応答の Replay-Nonce を使ってください。");
    }
}

http::Response problem_response(const Problem& p) {
    nlohmann::json body = {{"type", "urn:ietf:params:acme:error:" + p.type()},
                           {"detail", p.en()},
                           {"status", p.status()},
                           {"detail_ja", p.ja()}};
    if (!p.algorithms().empty()) body["algorithms"] = p.algorithms();
    if (!p.identifier().empty()) {
        body["subproblems"] = {{{"type", body["type"]},
                                {"detail", p.en()},
                                {"identifier", {{"type", "dns"}, {"value", p.identifier()}}}}};
    }
    http::Response resp{p.status(), {{"Content-Type", "application/problem+json"}, {"Cache-Control", "no-store"}},
                        body.dump()};
    for (const auto& h : p.headers()) resp.headers.push_back(h);
    return resp;
}

// The router's 404/405 and other catalogued errors, as ACME problems.
Problem as_problem(const Error& e) {
    std::string type = e.http_status() == 503 ? "serverInternal" : "malformed";
    Problem p(type, e.message().en, e.message().ja, e.http_status());
    for (const auto& [name, value] : e.headers()) p.add_header(name, value);
    return p;
}

http::Response handle(store::Pool& pool, const http::Request& req, const std::string& base, const std::string& fresh,
                      bool& nonce_stored) {
    auto match = http::route(std::span<const Route>(kRoutes), req);
    return pool.with([&](store::Connection& c) {
        Context ctx{c, req, base, match.captured.id, {}, std::nullopt};
        if (match.handler.auth != Auth::none) authenticate(ctx, match.handler.auth, fresh, nonce_stored);
        return match.handler.fn(ctx);
    });
}
}  // namespace

void require_post_as_get(const Context& ctx) {
    if (!ctx.jws.payload.empty()) {
        throw malformed("this resource takes POST-as-GET: an empty payload", "このリソースは空のペイロード (POST-as-GET) だけを受け付けます。");
    }
}

std::string string_or(const nlohmann::json& object, const char* name, const std::string& fallback) {
    if (!object.contains(name)) return fallback;
    if (!object[name].is_string()) {
        throw malformed(std::string(name) + " must be a string", std::string(name) + " は文字列にしてください。");
    }
    return object[name].get<std::string>();
}

bool bool_or(const nlohmann::json& object, const char* name, bool fallback) {
    if (!object.contains(name)) return fallback;
    if (!object[name].is_boolean()) {
        throw malformed(std::string(name) + " must be true or false", std::string(name) + " は true か false にしてください。");
    }
    return object[name].get<bool>();
}

http::Response json_response(int status, const nlohmann::json& body) { return http::Response::json(status, body.dump()); }

http::Response serve(store::Pool& pool, const http::Request& req) {
    std::string fresh = crypto::random_token(16);
    bool nonce_stored = false;
    std::string base;  // empty when the Host header is unusable
    http::Response resp;
    try {
        base = base_url(req);
        resp = handle(pool, req, base, fresh, nonce_stored);
    } catch (const Problem& p) {
        resp = problem_response(p);
    } catch (const Error& e) {
        resp = problem_response(as_problem(e));
    } catch (const store::Unavailable& e) {
        log::error(std::string("database unavailable: ") + e.what());
        resp = problem_response(Problem("serverInternal", "the database is unavailable; try again in a moment",
                                        "データベースに接続できません。しばらくしてからお試しください。", 503)
                                    .with_header("Retry-After", "10"));
    } catch (const std::exception& e) {
        log::error("acme: internal error on " + req.method + " " + req.path + ": " + e.what());
        resp = problem_response(Problem("serverInternal", "internal error (details in the server's log)",
                                        "内部エラーです (詳細はサーバのログにあります)。", 500));
    }
    // Every answer but the directory's carries a nonce (newNonce's is this one) and the directory link.
    bool is_directory = req.path == "/directory";
    if (!is_directory && !nonce_stored && resp.status != 503) {
        try {
            pool.with([&](store::Connection& c) { store::acme::add_nonce(c, fresh, kNonceSeconds); });
            nonce_stored = true;
        } catch (const std::exception& e) {
            log::warn(std::string("acme: could not store a nonce: ") + e.what());
        }
    }
    if (nonce_stored) resp.headers.emplace_back("Replay-Nonce", fresh);
    if (!is_directory && !base.empty()) resp.headers.emplace_back("Link", "<" + base + "/directory>;rel=\"index\"");
    return resp;
}

}  // namespace inkan::acme

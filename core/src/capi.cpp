// The C ABI (core/include/inkan/inkan.h): turns C structs into C++ values,
// dispatches to an endpoint, and turns every failure into a response.
#include "inkan/inkan.h"

#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <new>

#include "crypto/random.hpp"
#include "acme/endpoint.hpp"
#include "download/endpoint.hpp"
#include "enroll/endpoint.hpp"
#include "status/endpoints.hpp"
#include "http/page.hpp"
#include "http/server_errors.hpp"
#include "officer/endpoint.hpp"
#include "store/pool.hpp"
#include "util/catalogue.hpp"
#include "util/codes.hpp"
#include "util/log.hpp"

struct inkan_context_s {
    inkan_context_s(const char* conninfo, unsigned pool_size, inkan_log_fn l, void* data)
        : pool(conninfo, pool_size), status_cache(conninfo), log(l), log_data(data) {}
    inkan::store::Pool pool;
    inkan::status::Cache status_cache;
    inkan_log_fn log;
    void* log_data;
};

namespace {
using inkan::http::Request;
using inkan::http::Response;
using Handler = Response (*)(inkan_context_s&, const Request&);

const std::map<std::string, Handler, std::less<>>& endpoints() {
    static const std::map<std::string, Handler, std::less<>> table = {
        {"officer", [](inkan_context_s& c, const Request& r) { return inkan::officer::serve(c.pool, r); }},
        {"enroll", [](inkan_context_s& c, const Request& r) { return inkan::enroll::serve(c.pool, r); }},
        {"download", [](inkan_context_s& c, const Request& r) { return inkan::download::serve(c.pool, r); }},
        {"acme", [](inkan_context_s& c, const Request& r) { return inkan::acme::serve(c.pool, r); }},
        {"crl", [](inkan_context_s& c, const Request& r) { return inkan::status::serve_crl(c.pool, c.status_cache, r); }},
        {"ocsp", [](inkan_context_s& c, const Request& r) { return inkan::status::serve_ocsp(c.pool, c.status_cache, r); }},
        {"error", [](inkan_context_s& c, const Request& r) { return inkan::http::serve_server_error(c.pool, r); }},
    };
    return table;
}

std::string str(inkan_str_t s) { return s.data ? std::string(s.data, s.len) : std::string(); }

Request to_request(const inkan_request_t* r) {
    Request req;
    req.endpoint = str(r->endpoint);
    req.method = str(r->method);
    req.mount = str(r->mount);
    std::string path = str(r->path);
    // The path below the mount always starts with '/'.
    std::string mount = req.mount;
    while (!mount.empty() && mount.back() == '/') mount.pop_back();
    req.path = path.compare(0, mount.size(), mount) == 0 ? path.substr(mount.size()) : path;
    if (req.path.empty() || req.path[0] != '/') req.path.insert(0, "/");
    // "/ra//api" is "/ra/api" on every server, whatever its slash merging;
    // an OCSP GET path is base64 data, where "//" is meaningful.
    if (req.endpoint != "ocsp") req.path = inkan::http::merge_slashes(req.path);
    req.query = str(r->query);
    for (size_t i = 0; i < r->nheaders; ++i) req.headers.emplace_back(str(r->headers[i].name), str(r->headers[i].value));
    if (r->body) req.body.assign(reinterpret_cast<const char*>(r->body), r->body_len);
    req.tls = r->tls != 0;
    req.client_verify = str(r->client_verify);
    req.client_cert = str(r->client_cert);
    req.peer = str(r->peer);
    return req;
}

Response dispatch(inkan_context_s& ctx, const Request& req) {
    using inkan::Error;
    namespace codes = inkan::codes;
    try {
        auto it = endpoints().find(req.endpoint);
        if (it == endpoints().end()) throw inkan::InternalError("unknown endpoint " + req.endpoint);
        return it->second(ctx, req);
    } catch (const Error& e) {
        return inkan::http::error_response(req, e);
    } catch (const inkan::store::Unavailable& e) {
        inkan::log::error(std::string("database unavailable: ") + e.what());
        return inkan::http::error_response(
            req, Error(codes::kDatabaseUnavailable,
                       {"データベースに接続できません。しばらくしてからもう一度お試しください。",
                        "The database is unavailable. Please try again in a moment."},
                       503));
    } catch (const std::exception& e) {
        inkan::log::error("internal error on " + req.method + " " + req.path + ": " + e.what());
        return inkan::http::error_response(
            req, inkan::catalogued(codes::kInternal));
    }
}

// The id joins the server's log lines, the core's and what the client sees.
std::string request_id(const inkan_request_t* req) {
    std::string id = str(req->request_id);
    auto printable = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '@'; };
    if (id.empty() || id.size() > 64 || !std::all_of(id.begin(), id.end(), printable)) id = inkan::crypto::random_token(12);
    return id;
}

// One allocation holding the response struct, its header array and all bytes.
inkan_response_t* to_c(const Response& resp) {
    size_t bytes = sizeof(inkan_response_t) + sizeof(inkan_header_t) * resp.headers.size() + resp.body.size();
    for (const auto& [k, v] : resp.headers) bytes += k.size() + v.size();
    char* block = static_cast<char*>(std::malloc(bytes));
    if (!block) return nullptr;
    auto* out = reinterpret_cast<inkan_response_t*>(block);
    auto* headers = reinterpret_cast<inkan_header_t*>(block + sizeof(inkan_response_t));
    char* p = reinterpret_cast<char*>(headers + resp.headers.size());
    auto put = [&](const std::string& s) {
        std::memcpy(p, s.data(), s.size());
        inkan_str_t out_str{p, s.size()};
        p += s.size();
        return out_str;
    };
    for (size_t i = 0; i < resp.headers.size(); ++i) {
        headers[i].name = put(resp.headers[i].first);
        headers[i].value = put(resp.headers[i].second);
    }
    out->status = resp.status;
    out->headers = headers;
    out->nheaders = resp.headers.size();
    out->body_len = resp.body.size();
    out->body = reinterpret_cast<const unsigned char*>(put(resp.body).data);
    out->body_fd = -1;
    if (resp.file) {
        out->body_len = resp.file->size();
        out->body_fd = resp.file->release();
    }
    return out;
}
}  // namespace

extern "C" {

const char* inkan_version(void) { return "0.1.0"; }

unsigned inkan_abi_version(void) { return INKAN_ABI_VERSION; }

int inkan_endpoint_known(inkan_str_t name) {
    return endpoints().find(std::string_view(name.data ? name.data : "", name.len)) != endpoints().end();
}

inkan_context_t* inkan_context_new(const char* conninfo, unsigned pool_size, inkan_log_fn log, void* log_data, char* err,
                                   size_t err_len) {
    try {
        if (conninfo == nullptr || *conninfo == '\0') {
            std::snprintf(err, err_len, "empty database conninfo");
            return nullptr;
        }
        return new inkan_context_s(conninfo, pool_size, log, log_data);
    } catch (const std::exception& e) {
        std::snprintf(err, err_len, "%s", e.what());
        ERR_clear_error();
        return nullptr;
    }
}

void inkan_context_free(inkan_context_t* ctx) { delete ctx; }

int inkan_handle(inkan_context_t* ctx, const inkan_request_t* req, inkan_response_t** out) {
    *out = nullptr;
    try {
        Request request = to_request(req);
        std::string id = request_id(req);
        inkan::log::RequestScope scope(ctx->log, ctx->log_data, req->log_request, id);
        Response response = dispatch(*ctx, request);
        response.headers.emplace_back("X-Request-Id", id);
        *out = to_c(response);
    } catch (...) {
        // Only allocation failures reach here; dispatch() catches the rest.
    }
    ERR_clear_error();
    return *out ? INKAN_OK : INKAN_ERROR;
}

int inkan_handle_cached(inkan_context_t* ctx, const inkan_request_t* req, inkan_response_t** out) {
    *out = nullptr;
    try {
        Request request = to_request(req);
        if (auto cached = inkan::status::serve_cached(ctx->status_cache, request)) {
            cached->headers.emplace_back("X-Request-Id", request_id(req));
            *out = to_c(*cached);
        }
    } catch (...) {
        // Anything unexpected: the regular path answers it.
    }
    ERR_clear_error();
    return *out ? INKAN_OK : INKAN_DECLINED;
}

void inkan_response_free(inkan_response_t* resp) {
    if (resp && resp->body_fd >= 0) ::close(resp->body_fd);
    std::free(resp);
}

}  // extern "C"

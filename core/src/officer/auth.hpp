// Officer authentication from the verified TLS client certificate, and
// officer sessions (login / logout / expiry, all audited).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "authz/identity.hpp"
#include "http/request.hpp"
#include "store/pg.hpp"

namespace inkan::officer {

using authz::actor;
using authz::Identity;

// SHA-256 fingerprint of the certificate the server verified; Error 501
// (HTTP 403) when there is none.  Needs no database.
std::string presented_fingerprint(const http::Request& req);

// Accepts only a fingerprint that belongs to an active, unrevoked, unexpired
// officer certificate of an active institution; Error 502 / 503 / 215
// (HTTP 403) otherwise.
Identity authenticate(store::Connection& c, const std::string& fingerprint);

struct Session {
    int64_t id = 0;
    std::string csrf_token;
};

// The officer's open session, started (and audited as a login) when there is
// none; an idle one is first closed and audited as expired.
Session touch_session(store::Connection& c, const Identity& who, const std::string& peer);
void end_session(store::Connection& c, const Identity& who, const Session& s);

// Throws Error 504 unless the form field "csrf" or header X-CSRF-Token matches.
void require_csrf(const http::Request& req, const Session& s);

}  // namespace inkan::officer

// Officer authentication from the verified TLS client certificate, and
// officer sessions (login / logout / expiry, all audited).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "store/pg.hpp"

namespace inkan::officer {

struct Identity {
    int64_t officer_id = 0;
    int64_t certificate_id = 0;
    int64_t institution_id = 0;
    std::string name, email, institution, serial, not_after;
    bool renewable = false;  // inside the renewal window before expiry
};

struct Grant {
    std::string domain;
    std::string subtree;  // empty: whole domain
    std::vector<std::string> kinds, actions;
};

// SHA-256 fingerprint of the certificate the server verified; Error 501
// (HTTP 403) when there is none.  Needs no database.
std::string presented_fingerprint(const http::Request& req);

// Accepts only a fingerprint that belongs to an active, unrevoked, unexpired
// officer certificate of an active institution; Error 502 / 503 / 215
// (HTTP 403) otherwise.
Identity authenticate(store::Connection& c, const std::string& fingerprint);

std::vector<Grant> grants_of(store::Connection& c, int64_t officer_id);

struct Session {
    int64_t id = 0;
    std::string csrf_token;
};

// The officer's open session, started (and audited as a login) when there is
// none; an idle one is first closed and audited as expired.
Session touch_session(store::Connection& c, const Identity& who, const std::string& peer);
void end_session(store::Connection& c, const Identity& who, const Session& s);
// Closes every session idle past the setting; returns how many (worker job).
int expire_idle_sessions(store::Connection& c, const std::string& actor);

// Throws Error 504 unless the form field "csrf" or header X-CSRF-Token matches.
void require_csrf(const http::Request& req, const Session& s);

std::string actor(const Identity& who);

}  // namespace inkan::officer

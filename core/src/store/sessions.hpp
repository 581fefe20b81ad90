// Repository of officer sessions: opened at the first request of a login,
// touched by every request, closed by logout or by idleness (audited).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/pg.hpp"

namespace inkan::store {

struct SessionRow {
    int64_t id = 0;
    std::string csrf_token;
};

// Opens a session for the certificate unless one is open; empty when one was.
std::optional<SessionRow> open_session(Connection& c, int64_t officer_id, int64_t certificate_id,
                                       const std::string& csrf_token, const std::string& peer);
// Marks the certificate's open session as seen now; empty when none is open.
std::optional<SessionRow> touch_open_session(Connection& c, int64_t certificate_id);
void close_session(Connection& c, int64_t session_id);
// Records sessions idle past the session_idle_minutes setting as expired
// (one certificate's, or all) and audits each; returns how many.
int close_idle_sessions(Connection& c, const std::string& actor, std::optional<int64_t> certificate_id);

}  // namespace inkan::store

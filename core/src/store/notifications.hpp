// LISTEN on a channel over a connection of its own (PostgreSQL NOTIFY).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "store/pg.hpp"

namespace inkan::store {

class Listener {
public:
    // Connects (giving up after a few seconds) and listens; throws
    // Unavailable when the database cannot be reached.  The connection must
    // reach PostgreSQL itself: a transaction pooler delivers no notifications.
    Listener(const std::string& conninfo, const std::string& channel);

    // Waits up to timeout_ms and returns the payloads that arrived.  Throws
    // Unavailable when the connection broke or went silent: TCP keepalives,
    // and a round trip every few seconds that must come back in time, catch a
    // peer that vanished without a reset (notifications would be lost).
    std::vector<std::string> wait(int timeout_ms);

private:
    void heartbeat();

    struct Finish {
        void operator()(PGconn* c) const noexcept { PQfinish(c); }
    };
    std::unique_ptr<PGconn, Finish> conn_;
    std::chrono::steady_clock::time_point last_heartbeat_;
};

}  // namespace inkan::store

// LISTEN on a channel over a connection of its own (PostgreSQL NOTIFY).
#pragma once

#include <string>

#include "store/pg.hpp"

namespace inkan::store {

class Listener {
public:
    // Connects and listens; throws Unavailable when the database cannot be reached.
    Listener(const std::string& conninfo, const std::string& channel);

    // Waits up to timeout_ms; true when at least one notification arrived.
    // Throws Unavailable when the connection broke (notifications may be lost).
    bool wait(int timeout_ms);

private:
    Connection conn_;
};

}  // namespace inkan::store

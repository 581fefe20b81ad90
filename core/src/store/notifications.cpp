#include "store/notifications.hpp"

#include <poll.h>

namespace inkan::store {

namespace {
constexpr auto kHeartbeatEvery = std::chrono::seconds(5);
constexpr int kHeartbeatTimeoutMs = 5000;

[[noreturn]] void lost(PGconn* c, const char* what) {
    throw Unavailable(std::string(what) + ": " + (c ? PQerrorMessage(c) : "out of memory"));
}

// Waits until the socket is readable or `timeout_ms` passed; false on timeout.
bool readable(PGconn* c, int timeout_ms) {
    struct pollfd pfd {PQsocket(c), POLLIN, 0};
    if (pfd.fd < 0) lost(c, "notification connection closed");
    int n = poll(&pfd, 1, timeout_ms);
    if (n > 0 && PQconsumeInput(c) == 0) lost(c, "notification connection lost");
    return n > 0;
}
}  // namespace

Listener::Listener(const std::string& conninfo, const std::string& channel) {
    // The server's conninfo, plus limits that make a dead peer show within seconds
    // (later keywords override what the conninfo says; TCP ones are ignored on a socket).
    const char* keys[] = {"dbname", "connect_timeout", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "tcp_user_timeout", "application_name", nullptr};
    const char* values[] = {conninfo.c_str(), "5", "5", "2", "3", "10000", "inkan status cache", nullptr};
    conn_.reset(PQconnectdbParams(keys, values, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) lost(conn_.get(), "cannot connect to PostgreSQL");
    // The channel is one of ours (a fixed word), never request text; LISTEN takes no parameters.
    PGresult* r = PQexec(conn_.get(), ("LISTEN " + channel).c_str());
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) lost(conn_.get(), "LISTEN failed");
    last_heartbeat_ = std::chrono::steady_clock::now();
}

void Listener::heartbeat() {
    PGconn* c = conn_.get();
    if (PQsendQuery(c, "SELECT 1") == 0) lost(c, "notification connection lost");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHeartbeatTimeoutMs);
    while (PQisBusy(c)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !readable(c, static_cast<int>(left.count()))) lost(c, "notification connection silent");
    }
    bool ok = true;
    while (PGresult* r = PQgetResult(c)) {
        ok = ok && PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
    }
    if (!ok) lost(c, "notification connection heartbeat failed");
    last_heartbeat_ = std::chrono::steady_clock::now();
}

std::vector<std::string> Listener::wait(int timeout_ms) {
    PGconn* c = conn_.get();
    if (std::chrono::steady_clock::now() - last_heartbeat_ >= kHeartbeatEvery) heartbeat();
    readable(c, timeout_ms);
    std::vector<std::string> payloads;
    while (PGnotify* n = PQnotifies(c)) {
        payloads.emplace_back(n->extra ? n->extra : "");
        PQfreemem(n);
    }
    return payloads;
}

}  // namespace inkan::store

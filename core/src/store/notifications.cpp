#include "store/notifications.hpp"

#include <poll.h>

namespace inkan::store {

Listener::Listener(const std::string& conninfo, const std::string& channel) : conn_(conninfo) {
    // The channel is one of ours (a fixed word), never request text; LISTEN takes no parameters.
    conn_.exec("LISTEN " + channel);
}

bool Listener::wait(int timeout_ms) {
    PGconn* c = conn_.raw();
    struct pollfd pfd {PQsocket(c), POLLIN, 0};
    if (pfd.fd < 0) throw Unavailable("the notification connection is closed");
    if (poll(&pfd, 1, timeout_ms) > 0) {
        if (PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK) {
            throw Unavailable(std::string("notification connection lost: ") + PQerrorMessage(c));
        }
    }
    bool any = false;
    while (PGnotify* n = PQnotifies(c)) {
        any = true;
        PQfreemem(n);
    }
    return any;
}

}  // namespace inkan::store

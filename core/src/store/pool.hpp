// A per-process pool of PostgreSQL connections, opened lazily and replaced
// when they break (e.g. after a server restart).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

class Pool {
public:
    Pool(std::string conninfo, unsigned size);

    // Runs fn on a pooled connection.  A connection found dead before the
    // server answered any of fn's statements (one left idle across a server
    // restart) is replaced and fn runs once more: nothing reached the
    // database.  After that a lost connection throws Unavailable (HTTP 503),
    // since fn's COMMIT may have landed and running it again could record its
    // work twice.
    template <class F>
    auto with(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
        return run(fn, false);
    }

    // For work that is safe to repeat (reads): retried once on a fresh
    // connection whenever the connection is lost.
    template <class F>
    auto with_idempotent(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
        return run(fn, true);
    }

private:
    template <class F>
    auto run(F& fn, bool idempotent) -> decltype(fn(std::declval<Connection&>())) {
        for (int attempt = 0;; ++attempt) {
            Lease lease(*this);
            uint64_t answered = lease.conn().round_trips();
            try {
                return fn(lease.conn());
            } catch (const Unavailable&) {
                bool reached = lease.conn().round_trips() != answered;
                lease.discard();
                if (attempt > 0 || (reached && !idempotent)) throw;
            }
        }
    }

    class Lease {
    public:
        explicit Lease(Pool& p);
        ~Lease();
        Connection& conn() { return *conn_; }
        void discard() { conn_.reset(); }

    private:
        Pool& pool_;
        std::unique_ptr<Connection> conn_;
    };

    std::string conninfo_;
    unsigned size_;
    unsigned open_ = 0;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::mutex mu_;
    std::condition_variable cv_;
};

}  // namespace inkan::store

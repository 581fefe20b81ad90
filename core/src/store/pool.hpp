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

    // Runs fn on a pooled connection.  If the connection turns out to be
    // dead, fn is retried once on a fresh one; a second failure throws
    // Unavailable.  fn must be safe to re-run after a lost connection, which
    // holds for anything done inside a transaction.
    template <class F>
    auto with(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
        for (int attempt = 0;; ++attempt) {
            Lease lease(*this);
            try {
                return fn(lease.conn());
            } catch (const Unavailable&) {
                lease.discard();
                if (attempt > 0) throw;
            }
        }
    }

private:
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

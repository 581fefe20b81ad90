// Runs the work for one claimed application inside a savepoint.  If the
// application itself cannot be done (bad data, lint finding, a constraint
// the row violates), everything it wrote is rolled back and the application
// is marked failed with the reason, instead of being retried forever.  A
// lost connection, a deadlock, a serialization failure or a timeout is not
// the application's fault: it propagates, the batch rolls back and is
// claimed again.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "store/applications.hpp"
#include "store/audit.hpp"
#include "store/pg.hpp"
#include "util/error.hpp"

namespace inkan::worker {

// SQLSTATEs that say "try again": deadlock, serialization failure, lock not
// available, statement timeout.
inline bool transient(const store::QueryError& e) {
    const std::string& s = e.sqlstate();
    return s == "40P01" || s == "40001" || s == "55P03" || s == "57014";
}

inline void mark_failed(store::Connection& c, int64_t id, const std::string& actor, const std::string& why) {
    store::mark_failed(c, id, why);
    audit::append(c, actor, "application.failed", "application:" + std::to_string(id), {{"error", why}});
}

// A database error during work that runs without a savepoint: the
// transaction is aborted, so the batch must be redone with savepoints.
struct NeedsSavepoint : std::runtime_error {
    NeedsSavepoint() : std::runtime_error("a database error outside a savepoint") {}
};

enum class Isolation {
    savepoint,  // the work may write: a failure rolls back what it wrote
    none,       // the work reads only: a failure needs no rollback, saving two round trips
};

// True when the work was done; false when the application was marked failed.
template <class Work>
bool attempt(store::Connection& c, int64_t application_id, const std::string& actor, Work&& work,
             Isolation isolation = Isolation::savepoint) {
    bool savepoint = isolation == Isolation::savepoint;
    std::string why;
    if (savepoint) c.exec("SAVEPOINT attempt");
    try {
        work();
        if (savepoint) c.exec("RELEASE SAVEPOINT attempt");
        return true;
    } catch (const Error& e) {
        why = e.code() + ": " + e.message().en;
    } catch (const InternalError& e) {
        why = e.what();
    } catch (const store::QueryError& e) {
        if (transient(e)) throw;
        if (!savepoint) throw NeedsSavepoint();
        why = std::string("database: ") + e.what();
    } catch (const store::Unavailable&) {
        throw;
    } catch (const std::exception& e) {
        // Anything else is this application's problem too; it must not block its batch.
        why = std::string("internal: ") + e.what();
    }
    if (savepoint) c.exec("ROLLBACK TO SAVEPOINT attempt");
    mark_failed(c, application_id, actor, why);
    return false;
}

}  // namespace inkan::worker

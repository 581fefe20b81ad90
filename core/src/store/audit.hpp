// The audit log: append-only and hash-chained.  The chain itself is built by
// the database (trigger audit_chain in sql/), so no writer can skip it; this
// module appends entries and verifies the chain independently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/listing.hpp"
#include "store/pg.hpp"

namespace inkan::audit {

void append(store::Connection& c, std::string_view actor, std::string_view action, std::string_view object,
            const nlohmann::json& detail = nlohmann::json::object());

struct Entry {
    std::string actor, action, object;
    nlohmann::json detail;
};
// Appends the entries in their order, in one statement (the chain links each row).
void append_all(store::Connection& c, const std::vector<Entry>& entries);

struct Verdict {
    bool ok = true;
    int64_t rows = 0;
    std::optional<int64_t> first_broken_seq;  // the first row whose link does not hold
    std::string reason;
};

// Recomputes every link: hash(n) = SHA-256(hash(n-1) || canonical(row n)).
Verdict verify(store::Connection& c);

// The newest `limit` entries, newest first (seq, at, actor, action, object, detail).
store::Listing newest(store::Connection& c, int64_t limit);

// What happened to one object ("certificate:12"), oldest first, without
// `skipped_action` (e.g. views, which would drown the rest).
struct Event {
    std::string at, actor, action;  // at: ISO 8601 UTC
};
std::vector<Event> events_of(store::Connection& c, std::string_view object, std::string_view skipped_action);

// The exact text a row's hash covers; shared with the SQL trigger's definition.
std::string canonical(std::string_view seq, std::string_view at, std::string_view actor, std::string_view action,
                      std::string_view object, std::string_view detail);

}  // namespace inkan::audit

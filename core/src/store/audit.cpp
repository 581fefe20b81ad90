#include "store/audit.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace inkan::audit {

void append(store::Connection& c, std::string_view actor, std::string_view action, std::string_view object,
            const nlohmann::json& detail) {
    c.query("INSERT INTO audit_log (actor, action, object, detail) VALUES ($1, $2, $3, $4::jsonb)", actor, action,
            object, detail.dump());
}

void append_all(store::Connection& c, const std::vector<Entry>& entries) {
    if (entries.empty()) return;
    std::vector<std::string> actors, actions, objects, details;
    for (const auto& e : entries) {
        actors.push_back(e.actor);
        actions.push_back(e.action);
        objects.push_back(e.object);
        details.push_back(e.detail.dump());
    }
    c.query("INSERT INTO audit_log (actor, action, object, detail) "
            "SELECT actor, action, object, detail::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
            "WITH ORDINALITY AS e(actor, action, object, detail, n) ORDER BY n",
            store::text_array(actors), store::text_array(actions), store::text_array(objects), store::text_array(details));
}

std::string canonical(std::string_view seq, std::string_view at, std::string_view actor, std::string_view action,
                      std::string_view object, std::string_view detail) {
    std::string out;
    for (std::string_view part : {seq, at, actor, action, object, detail}) {
        if (!out.empty()) out += '\n';
        out += part;
    }
    return out;
}

Verdict verify(store::Connection& c) {
    Verdict v;
    auto rows = c.query(
        "SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), actor, action, object, "
        "detail::text, prev_hash, hash FROM audit_log ORDER BY seq");
    std::string prev(32, '\0');
    int64_t expected_seq = 1;
    auto broken = [&](int64_t seq, std::string reason) {
        v.ok = false;
        v.first_broken_seq = seq;
        v.reason = std::move(reason);
    };
    for (int i = 0; i < rows.rows() && v.ok; ++i) {
        int64_t seq = rows.integer(i, 0);
        std::string prev_hash = rows.bytes(i, 6), hash = rows.bytes(i, 7);
        if (seq != expected_seq) {
            broken(expected_seq, "row " + std::to_string(expected_seq) + " is missing (next row is " +
                                     std::to_string(seq) + ")");
        } else if (prev_hash != prev) {
            broken(seq, "row " + std::to_string(seq) + " does not point at the hash of the row before it");
        } else if (crypto::sha256(prev + canonical(rows.text(i, 0), rows.text(i, 1), rows.text(i, 2),
                                                   rows.text(i, 3), rows.text(i, 4), rows.text(i, 5))) != hash) {
            broken(seq, "row " + std::to_string(seq) + " was changed after it was written");
        }
        prev = hash;
        expected_seq = seq + 1;
        v.rows++;
    }
    if (v.ok) {
        // The head records the last link, so deleting the newest rows shows too.
        auto head = c.query("SELECT seq, hash FROM audit_head");
        if (head.empty() || head.integer(0, 0) != expected_seq - 1 || head.bytes(0, 1) != prev) {
            broken(expected_seq, "the newest rows were removed (the chain head records row " +
                                     (head.empty() ? std::string("?") : head.text(0, 0)) + ")");
        }
    }
    return v;
}

store::Listing newest(store::Connection& c, int64_t limit) {
    return store::rows_json(c.query(
        "SELECT seq, to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at, actor, action, object, detail::text AS detail "
        "FROM audit_log ORDER BY seq DESC LIMIT $1::int",
        limit));
}

std::vector<Event> events_of(store::Connection& c, std::string_view object, std::string_view skipped_action) {
    // The newest 500, oldest first.
    auto r = c.query("SELECT inkan_iso(at), actor, action FROM (SELECT seq, at, actor, action FROM audit_log "
                     "WHERE object = $1 AND action <> $2 ORDER BY seq DESC LIMIT 500) newest ORDER BY seq",
                     object, skipped_action);
    std::vector<Event> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2)});
    return out;
}

}  // namespace inkan::audit

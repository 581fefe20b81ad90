#include "store/sessions.hpp"

#include "settings/settings.hpp"
#include "store/audit.hpp"

namespace inkan::store {

std::optional<SessionRow> open_session(Connection& c, int64_t officer_id, int64_t certificate_id,
                                       const std::string& csrf_token, const std::string& peer) {
    auto r = c.query(
        "INSERT INTO officer_sessions (officer_id, certificate_id, csrf_token, peer) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (certificate_id) WHERE ended_at IS NULL DO NOTHING RETURNING id, csrf_token",
        officer_id, certificate_id, csrf_token, peer);
    if (r.empty()) return std::nullopt;
    return SessionRow{r.integer(0, 0), r.text(0, 1)};
}

std::optional<SessionRow> touch_open_session(Connection& c, int64_t certificate_id) {
    auto r = c.query(
        "UPDATE officer_sessions SET last_seen_at = now() WHERE certificate_id = $1 AND ended_at IS NULL "
        "RETURNING id, csrf_token",
        certificate_id);
    if (r.empty()) return std::nullopt;
    return SessionRow{r.integer(0, 0), r.text(0, 1)};
}

void close_session(Connection& c, int64_t session_id) {
    c.query("UPDATE officer_sessions SET ended_at = now(), end_reason = 'logout' WHERE id = $1 AND ended_at IS NULL",
            session_id);
}

int close_idle_sessions(Connection& c, const std::string& actor, std::optional<int64_t> certificate_id) {
    auto expired = c.query(
        "UPDATE officer_sessions SET ended_at = last_seen_at + make_interval(mins => $1::int), end_reason = 'expired' "
        "WHERE ended_at IS NULL AND last_seen_at < now() - make_interval(mins => $1::int) "
        "AND ($2::bigint IS NULL OR certificate_id = $2) RETURNING id, officer_id",
        settings::get(c, "session_idle_minutes"), certificate_id);
    for (int i = 0; i < expired.rows(); ++i) {
        audit::append(c, actor, "officer.session_expired", "officer_session:" + expired.text(i, 0),
                      {{"officer_id", expired.integer(i, 1)}});
    }
    return expired.rows();
}

}  // namespace inkan::store

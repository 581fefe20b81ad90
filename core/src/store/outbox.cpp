#include "store/outbox.hpp"

#include <nlohmann/json.hpp>

namespace inkan::store {

void queue_mail(Connection& c, const OutgoingMail& m) {
    c.query("INSERT INTO mail_outbox (recipients, subject, body, kind, secret) VALUES ($1::text[], $2, $3, $4, $5)",
            text_array(m.to), m.subject, m.body, m.kind, m.secret);
    c.query("SELECT pg_notify('inkan_work', 'mail')");
}

std::optional<QueuedMail> claim_due_mail(Connection& c) {
    auto r = c.query(
        "SELECT id, array_to_json(recipients)::text, subject, body, kind, secret FROM mail_outbox "
        "WHERE state = 'queued' AND next_attempt_at <= now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
    if (r.empty()) return std::nullopt;
    return QueuedMail{r.integer(0, 0),
                      {nlohmann::json::parse(r.text(0, 1)).get<std::vector<std::string>>(), r.text(0, 2), r.text(0, 3),
                       r.text(0, 4), r.boolean(0, 5)}};
}

void mark_mail_sent(Connection& c, int64_t id) {
    // A delivered mail that carried a link token keeps no copy of it.
    c.query("UPDATE mail_outbox SET state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, "
            "body = CASE WHEN secret THEN '(delivered; removed because it carried a secret link)' ELSE body END "
            "WHERE id = $1",
            id);
}

void mark_mail_retry(Connection& c, int64_t id, const std::string& error, int64_t retry_seconds) {
    c.query("UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, "
            "next_attempt_at = now() + least(make_interval(secs => $3::int) * power(2, least(attempts, 12)), "
            "interval '1 hour') WHERE id = $1",
            id, error, retry_seconds);
}

}  // namespace inkan::store

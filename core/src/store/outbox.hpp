// Repository of the mail outbox: mails are rows first, so none is lost when
// SMTP is down; the mailer claims them one at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct OutgoingMail {
    std::vector<std::string> to;
    std::string subject, body, kind;
    bool secret = false;  // carries a link token: the body is dropped once sent
};

// Queues the mail in the caller's transaction and wakes the mailer at commit.
void queue_mail(Connection& c, const OutgoingMail& m);

struct QueuedMail {
    int64_t id = 0;
    OutgoingMail mail;
};

// The oldest mail due for an attempt, locked for this transaction.
std::optional<QueuedMail> claim_due_mail(Connection& c);
void mark_mail_sent(Connection& c, int64_t id);
// The next attempt after retry_seconds, doubling per attempt, at most an hour later.
void mark_mail_retry(Connection& c, int64_t id, const std::string& error, int64_t retry_seconds);

}  // namespace inkan::store

// The mail outbox: mails are rows first, so none is lost when SMTP is down.
// The worker delivers them (tools/worker/mailer.cpp).
#pragma once

#include <string>
#include <vector>

#include "mail/smime.hpp"
#include "store/outbox.hpp"
#include "store/pg.hpp"

namespace inkan::mail {

// to, subject, body (UTF-8 plain text, Japanese first then English), kind
// (e.g. "officer-pickup", for operators and tests), secret.
using Mail = store::OutgoingMail;

// Queues the mail in the caller's transaction and wakes the worker at commit.
void enqueue(store::Connection& c, const Mail& m);

// RFC 5322 message with a UTF-8 base64 body and an RFC 2047 subject; with a
// signer, the body is an S/MIME multipart/signed entity.
std::string compose(const Mail& m, const std::string& from, const std::string& message_id, const std::string& date,
                    const Signer* signer = nullptr);

}  // namespace inkan::mail

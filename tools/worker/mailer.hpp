// Delivers the mail outbox over SMTP with libcurl.  A mail is marked sent
// only after the server accepted it; failures back off and retry forever,
// so a queued mail is never lost (at worst sent twice after a crash).
#pragma once

#include <memory>
#include <string>

#include "mail/smime.hpp"
#include "store/pg.hpp"

namespace inkan::worker {

struct SmtpConfig {
    std::string url;  // smtp://host:port or smtps://...
    std::string username, password;
    std::shared_ptr<const mail::Signer> signer;  // set: every mail is S/MIME-signed
};

// Tries the oldest due mail once; false when none is due.
bool deliver_next_mail(store::Connection& c, const SmtpConfig& smtp);

}  // namespace inkan::worker

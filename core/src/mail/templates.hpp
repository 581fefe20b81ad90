// Texts of the mails inkan sends, each in Japanese and English.
#pragma once

#include <string>

#include "mail/outbox.hpp"

namespace inkan::mail {

Mail officer_pickup(const std::string& to, const std::string& officer_name, const std::string& institution,
                    const std::string& link, const std::string& expires_at);

}  // namespace inkan::mail

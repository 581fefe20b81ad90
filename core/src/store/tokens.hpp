// Repository of download tokens (stored as SHA-256 hashes, never in clear).
#pragma once

#include <cstdint>
#include <string>

#include "store/pg.hpp"

namespace inkan::store {

// A token valid `days` from `from` (the application's time); returns its
// expiry as "YYYY-MM-DD HH:MM UTC" for the mail.
std::string insert_download_token(Connection& c, int64_t certificate_id, const std::string& token_hash,
                                  const std::string& from, int64_t days);

}  // namespace inkan::store

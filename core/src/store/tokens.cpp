#include "store/tokens.hpp"

namespace inkan::store {

std::string insert_download_token(Connection& c, int64_t certificate_id, const std::string& token_hash,
                                  const std::string& from, int64_t days) {
    auto r = c.query("INSERT INTO download_tokens (certificate_id, token_hash, expires_at) "
                     "VALUES ($1, $2, $3::timestamptz + make_interval(days => $4::int)) "
                     "RETURNING to_char(expires_at, 'YYYY-MM-DD HH24:MI \"UTC\"')",
                     certificate_id, Bytes{token_hash}, from, days);
    return r.text(0, 0);
}

}  // namespace inkan::store

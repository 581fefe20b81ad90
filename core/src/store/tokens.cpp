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

std::optional<DownloadTarget> download_target(Connection& c, const std::string& token_hash, bool lock) {
    auto r = c.query(std::string("SELECT t.id, ce.id, ce.serial, ce.subject_dn, inkan_iso(ce.not_after), "
                                 "coalesce(t.first_download::text, ''), ce.revoked_at IS NOT NULL "
                                 "FROM download_tokens t JOIN certificates ce ON ce.id = t.certificate_id "
                                 "WHERE t.token_hash = $1 AND t.expires_at > now()") +
                         (lock ? " FOR UPDATE OF t" : ""),
                     Bytes{token_hash});
    if (r.empty()) return std::nullopt;
    return DownloadTarget{r.integer(0, 0), r.integer(0, 1), r.text(0, 2), r.text(0, 3),
                          r.text(0, 4),    r.text(0, 5),    r.boolean(0, 6)};
}

void count_download(Connection& c, int64_t token_id) {
    c.query("UPDATE download_tokens SET downloads = downloads + 1, first_download = coalesce(first_download, now()) "
            "WHERE id = $1",
            token_id);
}

CompletionFacts completion_facts(Connection& c, int64_t certificate_id) {
    auto r = c.query("SELECT o.email, coalesce(old.subject_dn, ''), coalesce(old.serial, '') FROM certificates ce "
                     "JOIN applications a ON a.id = ce.application_id JOIN officers o ON o.id = a.officer_id "
                     "LEFT JOIN certificates old ON old.id = a.old_certificate_id WHERE ce.id = $1",
                     certificate_id);
    if (r.empty()) return {};
    return {r.text(0, 0), r.text(0, 1), r.text(0, 2)};
}

}  // namespace inkan::store

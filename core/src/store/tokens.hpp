// Repository of download tokens (stored as SHA-256 hashes, never in clear).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/pg.hpp"

namespace inkan::store {

// A token valid `days` from `from` (the application's time); returns its
// expiry as "YYYY-MM-DD HH:MM UTC" for the mail.
std::string insert_download_token(Connection& c, int64_t certificate_id, const std::string& token_hash,
                                  const std::string& from, int64_t days);

// What a valid (unexpired) download token opens.
struct DownloadTarget {
    int64_t token_id = 0, certificate_id = 0;
    std::string serial, subject_dn, not_after, first_download;  // not_after: ISO 8601 UTC; first_download empty: never fetched
    bool revoked = false;
};

// `lock`: for the download itself, so that only one request counts as the first.
std::optional<DownloadTarget> download_target(Connection& c, const std::string& token_hash, bool lock);
void count_download(Connection& c, int64_t token_id);

// Who gets the completion notice when a certificate is first fetched, and the
// certificate it renewed (empty when it was a new issue).
struct CompletionFacts {
    std::string officer_email, old_subject_dn, old_serial;
};
CompletionFacts completion_facts(Connection& c, int64_t certificate_id);

}  // namespace inkan::store

#include "worker/mailer.hpp"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "crypto/random.hpp"
#include "mail/outbox.hpp"
#include "settings/settings.hpp"

namespace inkan::worker {

namespace {
struct Upload {
    const std::string* data;
    size_t offset = 0;
};

size_t read_chunk(char* buf, size_t size, size_t n, void* user) {
    auto* up = static_cast<Upload*>(user);
    size_t len = std::min(size * n, up->data->size() - up->offset);
    std::memcpy(buf, up->data->data() + up->offset, len);
    up->offset += len;
    return len;
}

std::string address_only(const std::string& from) {
    auto lt = from.find('<'), gt = from.find('>');
    return lt != std::string::npos && gt != std::string::npos && gt > lt ? from.substr(lt, gt - lt + 1) : "<" + from + ">";
}

// Returns an empty string on success, else curl's reason.
std::string send(const SmtpConfig& smtp, const std::string& from, const std::vector<std::string>& to,
                 const std::string& message) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return "curl_easy_init failed";
    struct curl_slist* rcpt = nullptr;
    for (const auto& r : to) rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt, curl_slist_free_all);
    Upload up{&message};
    std::string mail_from = address_only(from);
    curl_easy_setopt(curl.get(), CURLOPT_URL, smtp.url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_chunk);
    curl_easy_setopt(curl.get(), CURLOPT_READDATA, &up);
    curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    if (!smtp.username.empty()) {
        curl_easy_setopt(curl.get(), CURLOPT_USERNAME, smtp.username.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, smtp.password.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    CURLcode rc = curl_easy_perform(curl.get());
    return rc == CURLE_OK ? "" : curl_easy_strerror(rc);
}

std::string rfc5322_date() {
    std::time_t now = std::time(nullptr);
    struct tm tm {};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}
}  // namespace

bool deliver_next_mail(store::Connection& c, const SmtpConfig& smtp) {
    std::string from = settings::get(c, "mail_from");
    std::string retry_seconds = settings::get(c, "mail_retry_seconds");
    store::Transaction tx(c);
    auto row = c.query(
        "SELECT id, array_to_json(recipients)::text, subject, body, kind, attempts FROM mail_outbox "
        "WHERE state = 'queued' AND next_attempt_at <= now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
    if (row.empty()) return false;
    mail::Mail m{nlohmann::json::parse(row.text(0, 1)).get<std::vector<std::string>>(), row.text(0, 2), row.text(0, 3),
                 row.text(0, 4)};
    std::string domain = from.substr(from.find('@') + 1);
    std::string message =
        mail::compose(m, from, crypto::random_token(12) + "@" + domain.substr(0, domain.find('>')), rfc5322_date());
    std::string error = send(smtp, from, m.to, message);
    if (error.empty()) {
        // A delivered mail that carried a link token keeps no copy of it.
        c.query("UPDATE mail_outbox SET state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, "
                "body = CASE WHEN secret THEN '(delivered; removed because it carried a secret link)' ELSE body END "
                "WHERE id = $1",
                row.integer(0, 0));
    } else {
        // retry, 2 x retry, 4 x retry, ... capped at one hour.
        c.query("UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, "
                "next_attempt_at = now() + least(make_interval(secs => $3::int) * power(2, least(attempts, 12)), "
                "interval '1 hour') WHERE id = $1",
                row.integer(0, 0), error, retry_seconds);
    }
    tx.commit();
    return true;
}

}  // namespace inkan::worker

#include "worker/mailer.hpp"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <memory>

#include "crypto/random.hpp"
#include "mail/outbox.hpp"
#include "settings/settings.hpp"
#include "store/outbox.hpp"

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
    int64_t retry_seconds = settings::get_int(c, "mail_retry_seconds");
    store::Transaction tx(c);
    auto queued = store::claim_due_mail(c);
    if (!queued) return false;
    const mail::Mail& m = queued->mail;
    std::string domain = from.substr(from.find('@') + 1);
    std::string message =
        mail::compose(m, from, crypto::random_token(12) + "@" + domain.substr(0, domain.find('>')), rfc5322_date(),
                      smtp.signer.get());
    std::string error = send(smtp, from, m.to, message);
    if (error.empty()) {
        store::mark_mail_sent(c, queued->id);
    } else {
        store::mark_mail_retry(c, queued->id, error, retry_seconds);
    }
    tx.commit();
    return true;
}

}  // namespace inkan::worker

#include "status/cache.hpp"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <ctime>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "store/notifications.hpp"
#include "util/log.hpp"

namespace inkan::status {

namespace {
// Bounds per process; beyond them new documents are answered from the database.
constexpr size_t kMaxEntries = 100000;
constexpr size_t kMaxBytes = size_t{64} << 20;
constexpr int kPollMs = 500;
}  // namespace

CachedDocument::CachedDocument(std::string d, int64_t this_up, int64_t next_up)
    : der(std::move(d)), this_update(this_up), next_update(next_up),
      etag("\"" + crypto::hex(crypto::sha256(der)).substr(0, 32) + "\"") {}

Cache::Cache(std::string conninfo) : conninfo_(std::move(conninfo)) {}

Cache::~Cache() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_.notify_all();
    if (listener_.joinable()) listener_.join();
}

std::optional<CachedDocument> Cache::find(const std::string& key) {
    // The listener starts with the first status request, in the process that serves it.
    std::call_once(started_, [this] { listener_ = std::thread([this] { listen(); }); });
    std::lock_guard lock(mutex_);
    if (!live_) return std::nullopt;
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (static_cast<int64_t>(std::time(nullptr)) >= it->second.next_update) {
        bytes_ -= it->second.der.size();
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second;
}

uint64_t Cache::generation() {
    std::lock_guard lock(mutex_);
    return generation_;
}

void Cache::put(const std::string& key, CachedDocument doc, uint64_t seen) {
    std::lock_guard lock(mutex_);
    if (!live_ || seen != generation_ || entries_.count(key)) return;
    if (entries_.size() >= kMaxEntries || bytes_ + doc.der.size() > kMaxBytes) return;
    bytes_ += doc.der.size();
    entries_.emplace(key, std::move(doc));
}

void Cache::clear() {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
    bytes_ = 0;
}

void Cache::forget(const std::string& what) {
    if (what.rfind("ocsp:", 0) != 0 && what.rfind("crl:", 0) != 0) return clear();
    std::lock_guard lock(mutex_);
    ++generation_;  // a read racing this change must not be stored
    // "crl:<id>" is a key; "ocsp:<serial>" prefixes that certificate's keys.
    std::string prefix = what.rfind("ocsp:", 0) == 0 ? what + ":" : what;
    for (auto it = entries_.lower_bound(prefix);
         it != entries_.end() && (it->first == prefix || (prefix.back() == ':' && it->first.rfind(prefix, 0) == 0));) {
        bytes_ -= it->second.der.size();
        it = entries_.erase(it);
    }
}

void Cache::listen() {
    // Signals belong to the server's own threads (nginx's event loop, Apache's).
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    auto backoff = std::chrono::milliseconds(500);
    while (!stopping_) {
        try {
            store::Listener listener(conninfo_, "inkan_status");
            // Anything may have changed while nobody listened.
            clear();
            {
                std::lock_guard lock(mutex_);
                live_ = true;
            }
            backoff = std::chrono::milliseconds(500);
            while (!stopping_) {
                for (const auto& what : listener.wait(kPollMs)) forget(what);
            }
        } catch (const std::exception& e) {
            {
                std::lock_guard lock(mutex_);
                live_ = false;
                ++generation_;
                entries_.clear();
                bytes_ = 0;
            }
            if (stopping_) break;
            log::warn(std::string("status cache: no notifications, answering from the database: ") + e.what());
            std::unique_lock lock(mutex_);
            stop_.wait_for(lock, backoff, [this] { return stopping_.load(); });
            backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
        }
    }
}

}  // namespace inkan::status

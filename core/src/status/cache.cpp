#include "status/cache.hpp"

#include <chrono>
#include <ctime>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "store/notifications.hpp"
#include "util/log.hpp"

namespace inkan::status {

namespace {
// More documents than this (a CA's every certificate, twice) and the cache starts over.
constexpr size_t kMaxEntries = 200000;
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
    if (!live_ || seen != generation_) return;
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(key, std::move(doc));
}

void Cache::clear() {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
}

void Cache::listen() {
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
                if (listener.wait(kPollMs)) clear();
            }
        } catch (const std::exception& e) {
            {
                std::lock_guard lock(mutex_);
                live_ = false;
                ++generation_;
                entries_.clear();
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

// Signed status documents (pre-signed OCSP responses, CRLs) kept in memory,
// so that a relying party's GET needs no database round trip.
//
// Freshness: every change to the stored documents NOTIFYs inkan_status
// (sql/015); a listener thread clears the whole cache on each notification,
// and the cache answers nothing while that thread has no live connection
// (it could have missed one).  An entry is never served at or past its
// nextUpdate.  A read that raced with a change is not stored (generation).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

namespace inkan::status {

struct CachedDocument {
    CachedDocument(std::string der, int64_t this_update, int64_t next_update);
    std::string der;
    int64_t this_update = 0, next_update = 0;
    std::string etag;  // over the bytes, computed once
};

class Cache {
public:
    explicit Cache(std::string conninfo);
    ~Cache();
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    // The document under `key` if it is fresh; never blocks on the database.
    std::optional<CachedDocument> find(const std::string& key);

    // Call before reading the database; pass the value to put().
    uint64_t generation();
    // Keeps `doc` unless the stored documents changed since `seen` was taken.
    void put(const std::string& key, CachedDocument doc, uint64_t seen);

private:
    void listen();
    void clear();

    const std::string conninfo_;
    std::mutex mutex_;
    std::unordered_map<std::string, CachedDocument> entries_;
    uint64_t generation_ = 0;
    bool live_ = false;  // the listener is connected: no change goes unnoticed
    std::once_flag started_;
    std::atomic<bool> stopping_{false};
    std::condition_variable stop_;
    std::thread listener_;
};

}  // namespace inkan::status

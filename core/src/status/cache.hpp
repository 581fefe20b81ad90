// Signed status documents (pre-signed OCSP responses, CRLs) kept in memory,
// so that a relying party's GET needs no database round trip.
//
// Freshness: every change to a stored document NOTIFYs inkan_status with
// what changed (sql/015); a listener thread drops those entries as the
// notification arrives (milliseconds after the change commits), and the cache
// answers nothing while that thread has no live connection (it could have
// missed one; store::Listener notices a silent one within seconds).  An entry
// is never served at or past its nextUpdate.  A read that raced with a change
// is not stored (generation).  Keys: "ocsp:<serial>:<CertID hash and issuer
// hashes>", "crl:<CA id>".
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <map>
#include <thread>

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
    void forget(const std::string& what);  // a notification's payload

    const std::string conninfo_;
    std::mutex mutex_;
    std::map<std::string, CachedDocument> entries_;  // ordered: a serial's entries are adjacent
    size_t bytes_ = 0;
    uint64_t generation_ = 0;
    bool live_ = false;  // the listener is connected: no change goes unnoticed
    std::once_flag started_;
    std::atomic<bool> stopping_{false};
    std::condition_variable stop_;
    std::thread listener_;
};

}  // namespace inkan::status

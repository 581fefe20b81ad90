#include "store/pool.hpp"

namespace inkan::store {

Pool::Pool(std::string conninfo, unsigned size) : conninfo_(std::move(conninfo)), size_(size ? size : 1) {}

Pool::Lease::Lease(Pool& p) : pool_(p) {
    std::unique_lock lock(pool_.mu_);
    pool_.cv_.wait(lock, [&] { return !pool_.idle_.empty() || pool_.open_ < pool_.size_; });
    if (!pool_.idle_.empty()) {
        conn_ = std::move(pool_.idle_.back());
        pool_.idle_.pop_back();
        return;
    }
    pool_.open_++;
    lock.unlock();
    try {
        conn_ = std::make_unique<Connection>(pool_.conninfo_);
    } catch (...) {
        lock.lock();
        pool_.open_--;
        pool_.cv_.notify_one();
        throw;
    }
}

Pool::Lease::~Lease() {
    std::lock_guard lock(pool_.mu_);
    if (conn_ && conn_->healthy()) {
        pool_.idle_.push_back(std::move(conn_));
    } else {
        pool_.open_--;
    }
    pool_.cv_.notify_one();
}

}  // namespace inkan::store

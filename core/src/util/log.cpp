#include "util/log.hpp"

#include <cstdio>

namespace inkan::log {

namespace {
thread_local RequestScope* current = nullptr;
}

RequestScope::RequestScope(Sink sink, void* data, void* request, std::string request_id)
    : sink_(sink), data_(data), request_(request), request_id_(std::move(request_id)), outer_(current) {
    current = this;
}

RequestScope::~RequestScope() { current = outer_; }

void write(Level level, std::string_view message) {
    if (current == nullptr) {
        std::fprintf(stderr, "inkan: %.*s\n", static_cast<int>(message.size()), message.data());
        return;
    }
    std::string line = "inkan [" + current->request_id_ + "]: ";
    line.append(message);
    if (current->sink_) {
        current->sink_(current->data_, current->request_, static_cast<int>(level), line.data(), line.size());
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

}  // namespace inkan::log

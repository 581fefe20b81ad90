// Logging through the sink the web server glue installs (the C ABI's
// inkan_log_fn): nginx writes to the request's error log, Apache to
// ap_log_rerror.  Inside a request every line carries the request id; with
// no sink (tools, tests) lines go to stderr.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace inkan::log {

enum class Level { error = 0, warn = 1, info = 2 };

using Sink = void (*)(void* data, void* request, int level, const char* message, size_t len);

// Routes this thread's lines to `sink` for the lifetime of the scope (one
// inkan_handle call).
class RequestScope {
public:
    RequestScope(Sink sink, void* data, void* request, std::string request_id);
    ~RequestScope();
    RequestScope(const RequestScope&) = delete;
    RequestScope& operator=(const RequestScope&) = delete;

    const std::string& request_id() const { return request_id_; }

private:
    friend void write(Level level, std::string_view message);
    Sink sink_;
    void* data_;
    void* request_;
    std::string request_id_;
    RequestScope* outer_;
};

void write(Level level, std::string_view message);
inline void error(std::string_view message) { write(Level::error, message); }
inline void warn(std::string_view message) { write(Level::warn, message); }

}  // namespace inkan::log

// A response body written piece by piece into an unlinked temporary file, so
// an answer of any size (a million-row inventory export) takes a bounded
// amount of memory; the glue sends the file (sendfile where it can).
#pragma once

#include <string>
#include <string_view>

#include "http/request.hpp"

namespace inkan::http {

class Spool {
public:
    // In $TMPDIR, else /var/tmp (on disk; /tmp may be memory); throws
    // InternalError when no temporary file can be made.
    Spool();
    ~Spool();
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

    void write(std::string_view bytes);
    // The file as a response body; the spool is done with it.
    std::shared_ptr<FileBody> finish();

private:
    void flush();
    int fd_;
    std::string pending_;
    size_t size_ = 0;
};

}  // namespace inkan::http

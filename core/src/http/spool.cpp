#include "http/spool.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace inkan::http {

// tmpfile(): created in the system's temporary directory and unlinked at
// once, so nothing is left behind whatever happens to the process.
Spool::Spool() : file_(std::tmpfile()) {
    if (!file_) throw InternalError(std::string("cannot create a temporary file: ") + std::strerror(errno));
}

Spool::~Spool() {
    if (file_) std::fclose(file_);
}

void Spool::write(std::string_view bytes) {
    if (!file_) throw InternalError("the spool is finished");
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
        throw InternalError(std::string("cannot write a temporary file: ") + std::strerror(errno));
    }
    size_ += bytes.size();
}

std::shared_ptr<FileBody> Spool::finish() {
    if (!file_ || std::fflush(file_) != 0) throw InternalError("cannot write a temporary file");
    // A descriptor of its own, so closing the FILE leaves the file open for the glue.
    int fd = ::dup(fileno(file_));
    if (fd < 0) throw InternalError(std::string("cannot keep a temporary file: ") + std::strerror(errno));
    std::fclose(file_);
    file_ = nullptr;
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        ::close(fd);
        throw InternalError(std::string("cannot rewind a temporary file: ") + std::strerror(errno));
    }
    return std::make_shared<FileBody>(fd, size_);
}

}  // namespace inkan::http

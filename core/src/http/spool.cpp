#include "http/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace inkan::http {

namespace {
constexpr size_t kChunk = 64 * 1024;

[[noreturn]] void failed(const char* what) { throw InternalError(std::string(what) + ": " + std::strerror(errno)); }

// An unlinked file from the start (O_TMPFILE), or, where the file system
// cannot, one unlinked right after it is made: nothing stays behind whatever
// happens to the process.  Close-on-exec, so no child (a CGI, a piped log)
// inherits it.
int unlinked_file() {
    const char* env = std::getenv("TMPDIR");
    std::string dir = env && *env ? env : "/var/tmp";
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    std::string path = dir + "/inkan-spool-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) failed("cannot create a temporary file");
    ::unlink(path.c_str());
    return fd;
}
}  // namespace

Spool::Spool() : fd_(unlinked_file()) {}

Spool::~Spool() {
    if (fd_ >= 0) ::close(fd_);
}

void Spool::write(std::string_view bytes) {
    if (fd_ < 0) throw InternalError("the spool is finished");
    pending_.append(bytes);
    size_ += bytes.size();
    if (pending_.size() >= kChunk) flush();
}

void Spool::flush() {
    size_t done = 0;
    while (done < pending_.size()) {
        ssize_t n = ::write(fd_, pending_.data() + done, pending_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) failed("cannot write a temporary file");
        done += static_cast<size_t>(n);
    }
    pending_.clear();
}

std::shared_ptr<FileBody> Spool::finish() {
    if (fd_ < 0) throw InternalError("the spool is finished");
    flush();
    if (::lseek(fd_, 0, SEEK_SET) != 0) failed("cannot rewind a temporary file");
    int fd = fd_;
    fd_ = -1;
    return std::make_shared<FileBody>(fd, size_);
}

}  // namespace inkan::http

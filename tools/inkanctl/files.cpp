#include "files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkanctl {

namespace {
void write_new(const std::string& dir, const std::string& file, const std::string& data, mode_t mode) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        throw inkan::InternalError("cannot create directory " + dir + ": " + std::strerror(errno));
    }
    std::string path = dir + "/" + file;
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) throw inkan::InternalError("cannot create " + path + ": " + std::strerror(errno));
    bool ok = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    ok = (fsync(fd) == 0) && ok;
    close(fd);
    if (!ok) throw inkan::InternalError("cannot write " + path);
}
}  // namespace

void write_key(const std::string& dir, const std::string& file, EVP_PKEY* key) {
    write_new(dir, file, inkan::crypto::key_to_pem(key), 0600);
}

void write_public(const std::string& dir, const std::string& file, const std::string& text) { write_new(dir, file, text, 0644); }

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) usage_error("cannot read " + path, path + " を読み取れません");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace inkanctl

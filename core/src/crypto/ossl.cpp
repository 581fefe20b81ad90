#include "crypto/ossl.hpp"

#include <openssl/err.h>

#include "util/error.hpp"

namespace inkan::crypto {

std::string drain_errors() {
    std::string out;
    unsigned long e;
    char buf[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

void check(bool ok, const char* what) {
    if (!ok) {
        std::string errors = drain_errors();
        throw InternalError(std::string(what) + (errors.empty() ? "" : ": " + errors));
    }
}

BioPtr memory_bio(std::string_view data) {
    return BioPtr(check_ptr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), "BIO_new_mem_buf"));
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(len));
}

}  // namespace inkan::crypto

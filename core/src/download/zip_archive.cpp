#include "download/zip_archive.hpp"

#include <zip.h>

#include <memory>

#include "util/error.hpp"

namespace inkan::download {

namespace {
struct SourceFree {
    void operator()(zip_source_t* s) const noexcept { zip_source_free(s); }
};
using Source = std::unique_ptr<zip_source_t, SourceFree>;

[[noreturn]] void fail(const char* what, zip_error_t* e) {
    std::string why = std::string("libzip ") + what + ": " + zip_error_strerror(e);
    zip_error_fini(e);
    throw InternalError(why);
}
}  // namespace

std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& files) {
    zip_error_t error;
    zip_error_init(&error);
    Source buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
    if (!buffer) fail("buffer", &error);
    zip_t* archive = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error);
    if (!archive) fail("open", &error);
    zip_source_keep(buffer.get());  // the archive releases its reference on close; the bytes stay ours
    for (const auto& [name, data] : files) {
        zip_source_t* entry = zip_source_buffer(archive, data.data(), data.size(), 0);
        if (!entry || zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8) < 0) {
            if (entry) zip_source_free(entry);
            std::string why = zip_strerror(archive);
            zip_discard(archive);
            throw InternalError("libzip add " + name + ": " + why);
        }
    }
    if (zip_close(archive) < 0) {
        std::string why = zip_strerror(archive);
        zip_discard(archive);
        throw InternalError("libzip close: " + why);
    }
    zip_stat_t st;
    if (zip_source_stat(buffer.get(), &st) < 0 || zip_source_open(buffer.get()) < 0) fail("stat", zip_source_error(buffer.get()));
    std::string out(static_cast<size_t>(st.size), '\0');
    zip_int64_t got = zip_source_read(buffer.get(), out.data(), st.size);
    zip_source_close(buffer.get());
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) throw InternalError("libzip read back failed");
    zip_error_fini(&error);
    return out;
}

}  // namespace inkan::download

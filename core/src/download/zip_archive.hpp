// ZIP archives built in memory with libzip: the subscriber's PIN file and the
// bulk PKCS#12 download.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace inkan::download {

// (name, contents) pairs in order; names are plain file names.
std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace inkan::download

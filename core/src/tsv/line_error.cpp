#include "tsv/line_error.hpp"

#include "http/page.hpp"

namespace inkan::tsv {

std::string upki_text(const LineError& e, int row, http::Lang lang) {
    return e.code + ":" + std::to_string(row) + "," + http::pick(lang, e.field) + "," + http::pick(lang, e.message);
}

}  // namespace inkan::tsv

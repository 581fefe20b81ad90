#include "tsv/line_error.hpp"

namespace inkan::tsv {

std::string upki_text(const LineError& e, int row, Lang lang) {
    return e.code + ":" + std::to_string(row) + "," + pick(lang, e.field) + "," + pick(lang, e.message);
}

}  // namespace inkan::tsv

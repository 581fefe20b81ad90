// An error found on one line of an application file, shown as UPKI shows
// it: "code:row,field,message", e.g. 212:1,主体者DN,指定したDNはすでに存在しています。
#pragma once

#include <string>

#include "util/error.hpp"

namespace inkan::tsv {

struct LineError {
    std::string code;
    Message field;  // column name in both languages
    Message message;
};

std::string upki_text(const LineError& e, int row, Lang lang);

}  // namespace inkan::tsv

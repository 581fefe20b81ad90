// Which officer functions a set of grants opens (UPKI-FORMATS §11).
#pragma once

#include <string>
#include <vector>

#include "officer/auth.hpp"
#include "util/error.hpp"

namespace inkan::officer {

struct Function {
    std::string id;  // stable name used in the JSON API
    Message label;
};

std::vector<Function> granted_functions(const std::vector<Grant>& grants);

inline const std::vector<std::string>& known_kinds() {
    static const std::vector<std::string> k = {"server", "client", "smime", "acme"};
    return k;
}
inline const std::vector<std::string>& known_actions() {
    static const std::vector<std::string> a = {"issue", "renew", "revoke", "export", "stats", "allowlist", "subscriber"};
    return a;
}

}  // namespace inkan::officer

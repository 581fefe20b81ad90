#include "policy/person.hpp"

#include <array>

namespace inkan::policy {

bool person_dn_shape(const std::vector<tsv::Rdn>& dn) {
    bool ok = dn.size() >= 5 && dn.front().first == "CN";
    for (size_t i = 1; ok && i + 4 < dn.size(); ++i) ok = dn[i].first == "OU";
    const std::array<const char*, 4> tail = {"O", "L", "ST", "C"};
    for (size_t k = 0; ok && k < tail.size(); ++k) ok = dn[dn.size() - 4 + k].first == tail[k];
    return ok;
}

}  // namespace inkan::policy

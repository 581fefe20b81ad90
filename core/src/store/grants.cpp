#include "store/grants.hpp"

#include <nlohmann/json.hpp>

namespace inkan::store {

namespace {
template <class Value, class Parse>
std::vector<Value> known_words(const std::string& json_array, Parse parse) {
    std::vector<Value> out;
    for (const auto& word : nlohmann::json::parse(json_array).get<std::vector<std::string>>()) {
        if (auto v = parse(word)) out.push_back(*v);
    }
    return out;
}
}  // namespace

std::vector<authz::Grant> grants_of(Connection& c, int64_t officer_id) {
    auto r = c.query(
        "SELECT d.name, coalesce(g.subtree, ''), array_to_json(g.kinds)::text, array_to_json(g.actions)::text "
        "FROM grants g JOIN domains d ON d.id = g.domain_id WHERE g.officer_id = $1 ORDER BY d.name, g.subtree",
        officer_id);
    std::vector<authz::Grant> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(authz::Grant{r.text(i, 0), r.text(i, 1), known_words<authz::Kind>(r.text(i, 2), authz::parse_kind),
                                   known_words<authz::Action>(r.text(i, 3), authz::parse_action)});
    }
    return out;
}

}  // namespace inkan::store

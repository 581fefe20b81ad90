#include "store/cas.hpp"

namespace inkan::store {

namespace {
constexpr const char* kColumns = "SELECT id, name, role, cert_pem, key_ref, parent_id, active FROM cas ";

std::vector<CaRow> rows_of(const Result& r) {
    std::vector<CaRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                       r.is_null(i, 5) ? std::nullopt : std::optional<int64_t>(r.integer(i, 5)), r.boolean(i, 6)});
    }
    return out;
}

std::optional<CaRow> first(const Result& r) {
    auto rows = rows_of(r);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}
}  // namespace

std::optional<CaRow> active_ca(Connection& c, const std::string& role) {
    return first(c.query(std::string(kColumns) + "WHERE role = $1 AND active", role));
}

std::optional<CaRow> ca_by_id(Connection& c, int64_t id) {
    return first(c.query(std::string(kColumns) + "WHERE id = $1", id));
}

std::optional<CaRow> ca_by_name(Connection& c, const std::string& name) {
    return first(c.query(std::string(kColumns) + "WHERE name = $1", name));
}

std::vector<CaRow> all_cas(Connection& c) { return rows_of(c.query(std::string(kColumns) + "ORDER BY id")); }

bool any_active_ca(Connection& c) { return !c.query("SELECT 1 FROM cas WHERE active").empty(); }

std::vector<std::string> ca_chain_pems(Connection& c, const std::string& role, bool with_parents) {
    auto r = c.query(
        "WITH RECURSIVE chain(id, parent_id, cert_pem, depth) AS ("
        " SELECT id, parent_id, cert_pem, 0 FROM cas WHERE role = $1 AND active"
        " UNION ALL SELECT p.id, p.parent_id, p.cert_pem, depth + 1 FROM cas p JOIN chain ON p.id = chain.parent_id)"
        " SELECT cert_pem FROM chain WHERE depth = 0 OR $2 ORDER BY depth",
        role, with_parents);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

int64_t insert_ca(Connection& c, const std::string& name, const std::string& role, std::optional<int64_t> parent_id,
                  const std::string& cert_pem, const std::string& key_ref) {
    return c.query("INSERT INTO cas (name, role, parent_id, cert_pem, key_ref) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   name, role, parent_id, cert_pem, key_ref)
        .integer(0, 0);
}

void deactivate_role(Connection& c, const std::string& role) {
    c.query("UPDATE cas SET active = false WHERE role = $1 AND active", role);
}

}  // namespace inkan::store

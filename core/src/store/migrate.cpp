#include "store/migrations.hpp"

namespace inkan::store {

std::vector<std::string> migrate(Connection& c) {
    c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, "
           "applied_at timestamptz NOT NULL DEFAULT now())");
    std::vector<std::string> applied;
    for (const Migration& m : migrations()) {
        Transaction tx(c);
        // Serializes concurrent 'inkanctl migrate' runs.
        c.exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
        if (!c.query("SELECT 1 FROM schema_migrations WHERE name = $1", m.name).empty()) continue;
        c.exec(m.sql);
        c.query("INSERT INTO schema_migrations (name) VALUES ($1)", m.name);
        tx.commit();
        applied.push_back(m.name);
    }
    return applied;
}

}  // namespace inkan::store

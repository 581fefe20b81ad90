// Repository of the certificate authorities (table cas).  Keys are never
// here: key_ref names a file in the signer's key directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

struct CaRow {
    int64_t id = 0;
    std::string name, role, cert_pem, key_ref;
    std::optional<int64_t> parent_id;
    bool active = false;
};

std::optional<CaRow> active_ca(Connection& c, const std::string& role);
std::optional<CaRow> ca_by_id(Connection& c, int64_t id);
std::optional<CaRow> ca_by_name(Connection& c, const std::string& name);
std::vector<CaRow> all_cas(Connection& c);
bool any_active_ca(Connection& c);
// The active CA of `role` first, then (with_parents) each parent up to the root.
std::vector<std::string> ca_chain_pems(Connection& c, const std::string& role, bool with_parents);
int64_t insert_ca(Connection& c, const std::string& name, const std::string& role, std::optional<int64_t> parent_id,
                  const std::string& cert_pem, const std::string& key_ref);
// Retires the active CA of a role (a new one is about to replace it).
void deactivate_role(Connection& c, const std::string& role);

}  // namespace inkan::store

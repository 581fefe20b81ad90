// Repository of what the service desk registers: institutions, their
// domains and OU allow lists, officers and their grants.  Listings come back
// as named-field rows for inkanctl; changes return what the caller audits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/listing.hpp"
#include "store/pg.hpp"

namespace inkan::store {

// --- institutions
// The new row, or empty when the English name exists already.
std::optional<Listing> insert_institution(Connection& c, const std::string& name_en, const std::optional<std::string>& name_ja,
                                          const std::string& st, const std::string& l);
Listing list_institutions(Connection& c);
std::optional<Listing> set_institution_status(Connection& c, int64_t id, const std::string& status);
// The ACME challenge types an institution demands on top of registrations (sql/018).
std::optional<Listing> set_institution_acme_challenges(Connection& c, int64_t id, const std::vector<std::string>& types);
// The registration reference S/MIME certificates carry (subject:organizationIdentifier, sql/019).
std::optional<Listing> set_institution_organization_identifier(Connection& c, int64_t id, const std::string& value);
bool institution_exists(Connection& c, int64_t id);

// --- domains
struct DomainOverlap {
    std::string name;
    int64_t institution_id = 0;
};
// Another institution's domain inside or around `name`.
std::optional<DomainOverlap> overlapping_domain(Connection& c, int64_t institution_id, const std::string& name);
// The new row, or empty when the domain is registered already.
std::optional<Listing> insert_domain(Connection& c, int64_t institution_id, const std::string& name);
Listing list_domains(Connection& c, std::optional<int64_t> institution_id);
std::optional<int64_t> domain_id(Connection& c, const std::string& name);
// The domain, if it belongs to the active officer's institution.
std::optional<int64_t> officer_domain_id(Connection& c, int64_t officer_id, const std::string& name);
bool insert_allowlist(Connection& c, int64_t domain_id, const std::string& ou);  // false: present already
Listing list_allowlist(Connection& c, const std::optional<std::string>& domain);

// --- officers
// The new officer's id, or empty when the mail is registered for the institution already.
std::optional<int64_t> insert_officer(Connection& c, int64_t institution_id, const std::string& name, const std::string& email);
Listing list_officers(Connection& c, std::optional<int64_t> institution_id);
bool deactivate_officer(Connection& c, int64_t officer_id);  // false: no such active officer
// Revokes the officer's valid officer certificates; returns their serials.
std::vector<std::string> revoke_officer_certificates(Connection& c, int64_t officer_id, int reason);
void supersede_unfinished_pickups(Connection& c, int64_t officer_id);
void expire_officer_sessions(Connection& c, int64_t officer_id);

// --- grants
int64_t upsert_grant(Connection& c, int64_t officer_id, int64_t domain_id, const std::optional<std::string>& subtree,
                     const std::vector<std::string>& kinds, const std::vector<std::string>& actions);
Listing list_grants(Connection& c, std::optional<int64_t> officer_id);
// The removed grant's officer, or empty when there was no such grant.
std::optional<int64_t> delete_grant(Connection& c, int64_t grant_id);

}  // namespace inkan::store

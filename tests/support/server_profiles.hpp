// The two UPKI server profiles as sql/006_profiles.sql defines them, for
// tests that run without a database.  test_profiles (against PostgreSQL)
// checks that the table still says the same.
#pragma once

#include "profile/profile.hpp"

namespace inkan::testing {

inline profile::Profile server_profile(const char* id, profile::KeyType key, const char* ca_role) {
    profile::Profile p;
    p.id = id;
    p.kind = authz::Kind::server;
    p.key_types = {key};
    p.validity_days = 198;
    p.cap = profile::Cap::tls;
    p.issuing_ca = ca_role;
    p.extended_key_usage = "serverAuth";
    p.policy_oids_setting = "server_policy_oids";
    p.lint = "tls-server";
    p.tsv_schema = "server-13";
    p.delivery = profile::Delivery::download_link;
    p.issuable = true;
    return p;
}

inline profile::Profile rsa_server_profile() { return server_profile("3", profile::KeyType::rsa_2048, "server-rsa"); }
inline profile::Profile ecc_server_profile() { return server_profile("11", profile::KeyType::ec_p384, "server-ecc"); }
inline profile::Catalog server_catalog() { return profile::Catalog({rsa_server_profile(), ecc_server_profile()}); }

}  // namespace inkan::testing

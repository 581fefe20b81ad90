// The UPKI server profiles as sql/006_profiles.sql defines them, and the
// client / S/MIME profiles as sql/019 makes them issuable, for tests that run
// without a database.  test_profiles (against PostgreSQL)
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

inline profile::Profile person_profile(const char* id, authz::Kind kind, int months, const char* replaced_by = "") {
    profile::Profile p;
    p.id = id;
    p.kind = kind;
    p.key_types = {profile::KeyType::rsa_2048};
    p.validity_months = months;
    p.cap = kind == authz::Kind::smime ? profile::Cap::smime : profile::Cap::none;
    p.issuing_ca = "client";
    p.extended_key_usage = kind == authz::Kind::smime ? "emailProtection" : "clientAuth";
    p.lint = kind == authz::Kind::smime ? "smime" : "client";
    p.tsv_schema = "client-15";
    p.delivery = profile::Delivery::pkcs12_pin;
    p.issuable = *replaced_by == '\0';
    p.replaced_by = replaced_by;
    return p;
}

inline profile::Catalog client_catalog() {
    using authz::Kind;
    return profile::Catalog({person_profile("13", Kind::client, 13), person_profile("14", Kind::client, 25),
                             person_profile("15", Kind::smime, 13), person_profile("16", Kind::smime, 25),
                             person_profile("5", Kind::client, 52, "14"), person_profile("7", Kind::smime, 52, "16"),
                             rsa_server_profile()});
}

}  // namespace inkan::testing

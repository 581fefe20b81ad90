// Certificate profiles: one definition per profile (the UPKI profile IDs and
// inkan's own), read from the `profiles` table.  Everything that depends on
// a profile -- accepted keys, validity, issuing CA, extensions, lint set, TSV
// schema, delivery -- asks the profile instead of comparing IDs.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include "authz/kinds.hpp"
#include "util/error.hpp"

namespace inkan::profile {

enum class KeyType { rsa_2048, ec_p256, ec_p384 };
enum class Cap { tls, smime, none };
enum class Delivery { download_link, pkcs12_pin, acme_order, officer_pickup };

struct Profile {
    std::string id;
    authz::Kind kind = authz::Kind::server;
    Message name;
    std::vector<KeyType> key_types;
    std::optional<int> validity_days, validity_months;  // exactly one is set
    Cap cap = Cap::none;
    std::string issuing_ca;           // CA role
    std::string extended_key_usage;   // OpenSSL short names
    std::string policy_oids_setting;  // empty: no certificatePolicies from settings
    std::string lint;
    std::string tsv_schema;
    Delivery delivery = Delivery::download_link;
    bool issuable = false;
    std::string replaced_by;
};

std::string_view to_string(KeyType type);
std::optional<KeyType> parse_key_type(std::string_view word);
// "RSA 2048 ビット" / "RSA 2048-bit" etc., for messages.
Message describe(KeyType type);
// The key's type, when it is one inkan knows (named curves only).
std::optional<KeyType> key_type_of(EVP_PKEY* key);
bool accepts_key(const Profile& p, EVP_PKEY* key);

// Whether certificates of the profile carry CRL and OCSP pointers (and get
// pre-signed OCSP responses).  Officer certificates do not: every login
// checks them against the database.
bool has_status_pointers(const Profile& p);

// Days of validity for a certificate whose notBefore is `not_before`: the
// profile's own length, capped by the CA/Browser Forum rule it falls under.
int validity_days(const Profile& p, std::time_t not_before);

// All profiles, as loaded from the database at one moment.
class Catalog {
public:
    Catalog() = default;
    explicit Catalog(std::vector<Profile> profiles) : profiles_(std::move(profiles)) {}

    const Profile* find(std::string_view id) const;
    // The issuable profiles of a kind, e.g. for "the profile ID must be 3 or 11".
    std::vector<const Profile*> issuable(authz::Kind kind) const;
    // "3, 11" -- the issuable IDs of a kind, for messages.
    std::string issuable_ids(authz::Kind kind) const;
    const std::vector<Profile>& all() const { return profiles_; }

private:
    std::vector<Profile> profiles_;
};

}  // namespace inkan::profile

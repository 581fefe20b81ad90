// The facts the worker re-reads, with its own database role, before it signs:
// nothing the web server wrote into the application is trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

// An active officer of an active institution.
bool acting_officer(Connection& c, int64_t institution_id, int64_t officer_id);
std::vector<std::string> registered_domains(Connection& c, int64_t institution_id);
// The DER of a certificate of the institution and kind, if there is one.
std::optional<std::string> certificate_der(Connection& c, int64_t certificate_id, int64_t institution_id,
                                           const std::string& kind);
// The officer's pickup, claimed with the PIN (state 'issuing'), that no
// certificate has been issued for yet.
bool claimed_pickup(Connection& c, int64_t officer_id, int64_t pickup_id);
struct AcmeRegistration {
    int64_t institution_id = 0, officer_id = 0;
    std::string subject_dn, server_profile, status;
    std::vector<std::string> names;  // CN first
};
std::optional<AcmeRegistration> acme_registration(Connection& c, int64_t registration_id);
// An ACME certificate issued under the registration.
bool acme_certificate_of(Connection& c, int64_t certificate_id, int64_t registration_id);
// A valid officer certificate whose renewal window (days before notAfter) is open.
bool renewable_officer_certificate(Connection& c, int64_t officer_id, int64_t window_days);

}  // namespace inkan::store

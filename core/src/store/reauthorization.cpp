#include "store/reauthorization.hpp"

namespace inkan::store {

bool acting_officer(Connection& c, int64_t institution_id, int64_t officer_id) {
    return !c.query("SELECT 1 FROM officers o JOIN institutions i ON i.id = o.institution_id "
                    "WHERE o.id = $1 AND o.institution_id = $2 AND o.status = 'active' AND i.status = 'active'",
                    officer_id, institution_id)
                .empty();
}

std::vector<std::string> registered_domains(Connection& c, int64_t institution_id) {
    auto r = c.query("SELECT name FROM domains WHERE institution_id = $1", institution_id);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

std::optional<std::string> certificate_der(Connection& c, int64_t certificate_id, int64_t institution_id,
                                           const std::string& kind) {
    auto r = c.query("SELECT der FROM certificates WHERE id = $1 AND institution_id = $2 AND kind = $3", certificate_id,
                     institution_id, kind);
    if (r.empty()) return std::nullopt;
    return r.bytes(0, 0);
}

bool claimed_pickup(Connection& c, int64_t officer_id, int64_t pickup_id) {
    return !c.query("SELECT 1 FROM officer_pickups p WHERE p.id = $2 AND p.officer_id = $1 AND p.state = 'issuing' "
                    "AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pickup_id = p.id AND a.state = 'issued')",
                    officer_id, pickup_id)
                .empty();
}

bool renewable_officer_certificate(Connection& c, int64_t officer_id, int64_t window_days) {
    return !c.query("SELECT 1 FROM certificates WHERE officer_id = $1 AND kind = 'officer' AND revoked_at IS NULL "
                    "AND now() BETWEEN not_before AND not_after "
                    "AND not_after - make_interval(days => $2::int) <= now()",
                    officer_id, window_days)
                .empty();
}

std::optional<AcmeRegistration> acme_registration(Connection& c, int64_t registration_id) {
    auto r = c.query("SELECT institution_id, officer_id, subject_dn, server_profile, status, array_to_json(names)::text "
                     "FROM acme_registrations WHERE id = $1",
                     registration_id);
    if (r.empty()) return std::nullopt;
    return AcmeRegistration{r.integer(0, 0), r.integer(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.strings(0, 5)};
}

bool acme_certificate_of(Connection& c, int64_t certificate_id, int64_t registration_id) {
    return !c.query("SELECT 1 FROM certificates c JOIN applications a ON a.id = c.application_id "
                    "WHERE c.id = $1 AND c.kind = 'acme' AND a.acme_registration_id = $2",
                    certificate_id, registration_id)
                .empty();
}

}  // namespace inkan::store

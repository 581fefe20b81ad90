#include "store/acme_validation.hpp"

namespace inkan::store::acme {

std::optional<PendingValidation> claim_validation(Connection& c) {
    auto r = c.query(
        "SELECT ch.id, z.id, a.registration_id, ch.type, ch.token, z.name, a.thumbprint "
        "FROM acme_challenges ch JOIN acme_authorizations z ON z.id = ch.authorization_id "
        "JOIN acme_orders o ON o.id = z.order_id JOIN acme_accounts a ON a.id = o.account_id "
        "WHERE ch.status = 'processing' ORDER BY ch.id LIMIT 1 FOR UPDATE OF ch SKIP LOCKED");
    if (r.empty()) return std::nullopt;
    return PendingValidation{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.text(0, 3),
                             r.text(0, 4),    r.text(0, 5),    r.text(0, 6)};
}

void record_validation(Connection& c, const PendingValidation& v, bool valid, const std::string& error) {
    // One statement: the challenge, its authorization and (on failure) the count.
    c.query("WITH ch AS (UPDATE acme_challenges SET status = $2, error = nullif($3, ''), "
            "  validated_at = CASE WHEN $2 = 'valid' THEN now() END, updated_at = now() WHERE id = $1), "
            "z AS (UPDATE acme_authorizations SET status = $2 WHERE id = $4), "
            "f AS (INSERT INTO acme_validation_failures (registration_id, challenge_id) "
            "  SELECT $5, $1 WHERE $2 = 'invalid') "
            "SELECT 1",
            v.challenge_id, valid ? "valid" : "invalid", error, v.authorization_id, v.registration_id);
}

std::vector<std::string> unvalidated_names(Connection& c, int64_t order_id, const std::vector<std::string>& types) {
    auto r = c.query("SELECT z.name FROM acme_authorizations z WHERE z.order_id = $1 AND NOT EXISTS ("
                     "  SELECT 1 FROM acme_challenges ch WHERE ch.authorization_id = z.id AND ch.status = 'valid' "
                     "  AND ch.validated_at IS NOT NULL AND ch.type = ANY($2::text[])) ORDER BY z.id",
                     order_id, text_array(types));
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

std::vector<std::string> demanded_challenges(Connection& c, int64_t institution_id) {
    auto r = c.query("SELECT array_to_json(acme_challenges)::text FROM institutions WHERE id = $1", institution_id);
    return r.empty() ? std::vector<std::string>{} : r.strings(0, 0);
}

}  // namespace inkan::store::acme

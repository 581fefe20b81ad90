#include "store/acme_validation.hpp"

namespace inkan::store::acme {

std::optional<PendingValidation> claim_validation(Connection& c) {
    // A lease, not a lock held across the network: another validator (or this
    // one after a crash) takes the challenge again once the lease is old.
    auto r = c.query(
        "WITH next AS (SELECT id FROM acme_challenges WHERE status = 'processing' "
        "  AND (validating_since IS NULL OR validating_since < now() - interval '2 minutes') "
        "  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED), "
        "leased AS (UPDATE acme_challenges ch SET validating_since = now() FROM next WHERE ch.id = next.id "
        "  RETURNING ch.id, ch.authorization_id, ch.type, ch.token) "
        "SELECT l.id, z.id, a.registration_id, l.type, l.token, z.name, a.thumbprint, z.name = ANY(r.names) "
        "FROM leased l JOIN acme_authorizations z ON z.id = l.authorization_id JOIN acme_orders o ON o.id = z.order_id "
        "JOIN acme_accounts a ON a.id = o.account_id JOIN acme_registrations r ON r.id = a.registration_id");
    if (r.empty()) return std::nullopt;
    return PendingValidation{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.text(0, 3), r.text(0, 4),
                             r.text(0, 5),    r.text(0, 6),    r.boolean(0, 7)};
}

void record_validation(Connection& c, const PendingValidation& v, bool valid, const std::string& error) {
    // One statement: the challenge (if still waiting), its authorization (if
    // still pending: invalid is final) and, on failure, the count.
    c.query("WITH ch AS (UPDATE acme_challenges SET status = $2, error = nullif($3, ''), "
            "  validated_at = CASE WHEN $2 = 'valid' THEN now() END, updated_at = now() "
            "  WHERE id = $1 AND status = 'processing' RETURNING id), "
            "z AS (UPDATE acme_authorizations SET status = $2, error = nullif($3, '') WHERE id = $4 AND status = 'pending' "
            "  AND EXISTS (SELECT 1 FROM ch)), "
            "f AS (INSERT INTO acme_validation_failures (registration_id, challenge_id) "
            "  SELECT $5, $1 WHERE $2 = 'invalid' AND EXISTS (SELECT 1 FROM ch)) "
            "SELECT 1",
            v.challenge_id, valid ? "valid" : "invalid", error, v.authorization_id, v.registration_id);
}

std::vector<std::string> unvalidated_names(Connection& c, int64_t order_id, const std::vector<std::string>& names,
                                           const std::vector<std::string>& types) {
    auto r = c.query("SELECT n FROM unnest($2::text[]) AS n WHERE NOT EXISTS ("
                     "  SELECT 1 FROM acme_authorizations z JOIN acme_challenges ch ON ch.authorization_id = z.id "
                     "  WHERE z.order_id = $1 AND z.name = n AND ch.status = 'valid' AND ch.validated_at IS NOT NULL "
                     "  AND ch.type = ANY($3::text[]))",
                     order_id, text_array(names), text_array(types));
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

std::vector<std::string> demanded_challenges(Connection& c, int64_t institution_id) {
    auto r = c.query("SELECT array_to_json(acme_challenges)::text FROM institutions WHERE id = $1", institution_id);
    return r.empty() ? std::vector<std::string>{} : r.strings(0, 0);
}

}  // namespace inkan::store::acme

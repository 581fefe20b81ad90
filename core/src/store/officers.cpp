#include "store/officers.hpp"

namespace inkan::store {

std::optional<OfficerCredential> officer_by_fingerprint(Connection& c, const std::string& fingerprint,
                                                        int64_t renew_window_days) {
    auto r = c.query(
        "SELECT c.id, c.officer_id, i.id, o.name, o.email, i.name_en, c.serial, "
        "to_char(c.not_after, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "c.revoked_at IS NULL AND c.not_before <= now() AND c.not_after > now(), o.status = 'active', "
        "i.status = 'active', "
        "c.not_after - now() <= make_interval(days => $2::int), coalesce(o.language, '') "
        "FROM certificates c JOIN officers o ON o.id = c.officer_id JOIN institutions i ON i.id = o.institution_id "
        "WHERE c.fingerprint_sha256 = $1 AND c.kind = 'officer'",
        Bytes{fingerprint}, renew_window_days);
    if (r.empty()) return std::nullopt;
    OfficerCredential out;
    out.identity = authz::Identity{r.integer(0, 1), r.integer(0, 0), r.integer(0, 2), r.text(0, 3), r.text(0, 4),
                                   r.text(0, 5),    r.text(0, 6),    r.text(0, 7),    r.boolean(0, 11), r.text(0, 12)};
    out.certificate_valid = r.boolean(0, 8);
    out.officer_active = r.boolean(0, 9);
    out.institution_active = r.boolean(0, 10);
    return out;
}

void set_officer_language(Connection& c, int64_t officer_id, const std::string& language) {
    c.query("UPDATE officers SET language = $2 WHERE id = $1", officer_id, language);
}

}  // namespace inkan::store

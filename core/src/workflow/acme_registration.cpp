#include "workflow/acme_registration.hpp"

#include <cctype>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "settings/settings.hpp"
#include "store/acme_registrations.hpp"
#include "store/audit.hpp"
#include "util/error.hpp"

namespace inkan::workflow {

namespace {
store::AcmeRegistrationInput registration_input(const authz::Identity& who, int64_t batch_id, const ServerApplication& a) {
    return {who.institution_id, who.officer_id, batch_id, a.row, a.subject_dn, a.profile, a.dns_names,
            a.subscriber_name, a.subscriber_affiliation, a.subscriber_email, a.software};
}

// A key ID and a 256-bit HMAC key; the key leaves only in this answer.
// Neither written form starts with '-' or '_': pasted after a client's
// option (--eab-kid "$KID") a leading '-' would read as another option.
store::NewEab new_eab() {
    auto alnum_first = [](const std::string& text) { return std::isalnum(static_cast<unsigned char>(text[0])) != 0; };
    store::NewEab eab{crypto::random_token(18), crypto::random_bytes(32)};
    while (!alnum_first(eab.kid)) eab.kid = crypto::random_token(18);
    while (!alnum_first(crypto::base64url(eab.hmac_key))) eab.hmac_key = crypto::random_bytes(32);
    return eab;
}

IssuedEab shown(const ServerApplication& a, const std::string& account_ref, const store::NewEab& eab) {
    return {a.row, account_ref, eab.kid, crypto::base64url(eab.hmac_key)};
}
}  // namespace

std::optional<IssuedEab> record_acme_line(store::Connection& c, const authz::Identity& who, int64_t batch_id,
                                          const ServerApplication& a) {
    int eab_days = static_cast<int>(settings::get_int(c, "acme_eab_days"));
    std::string actor = authz::actor(who);
    switch (a.type) {
        case ApplyType::issue: {
            // The account ID officers quote in later files: readable, no look-alike characters.
            std::string ref = "ACME-" + crypto::random_readable(12);
            auto eab = new_eab();
            int64_t id = store::register_acme(c, registration_input(who, batch_id, a), ref, eab, eab_days);
            audit::append(c, actor, "acme.registered", "acme_registration:" + std::to_string(id),
                          {{"account_ref", ref}, {"names", a.dns_names}, {"eab_kid", eab.kid}});
            return shown(a, ref, eab);
        }
        case ApplyType::renew: {
            auto eab = new_eab();
            store::update_acme(c, *a.registration_id, registration_input(who, batch_id, a), eab, eab_days);
            audit::append(c, actor, "acme.updated", "acme_registration:" + std::to_string(*a.registration_id),
                          {{"account_ref", a.account_ref}, {"names", a.dns_names}, {"eab_kid", eab.kid}});
            return shown(a, a.account_ref, eab);
        }
        case ApplyType::suspend:
            store::suspend_acme(c, *a.registration_id, who.officer_id, a.reason.value_or(0), a.comment);
            audit::append(c, actor, "acme.suspended", "acme_registration:" + std::to_string(*a.registration_id),
                          {{"account_ref", a.account_ref}, {"reason", a.reason.value_or(0)}, {"comment", a.comment}});
            return std::nullopt;
        case ApplyType::revoke:
            break;
    }
    // upload.cpp records revocation lines as applications, like a server file's.
    throw InternalError("an ACME revocation line is not a registration change");
}

}  // namespace inkan::workflow

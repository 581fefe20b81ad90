#include "worker/reminders.hpp"

#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "store/certificates.hpp"
#include "tsv/table.hpp"

namespace inkan::worker {

int send_renewal_reminders(store::Connection& c, const std::string& actor) {
    int64_t days = settings::get_int(c, "renewal_reminder_days");
    store::Transaction tx(c);
    auto due = store::claim_due_renewal_reminders(c, days);
    for (const auto& d : due) {
        mail::enqueue(c, mail::renewal_reminder(d.officer_email, d.subject_dn, d.old_serial, d.new_serial,
                                                tsv::server_revocation_line(d.subject_dn, d.old_serial)));
        store::mark_reminded(c, d.old_certificate_id);
        audit::append(c, actor, "certificate.renewal_reminder", "certificate:" + std::to_string(d.old_certificate_id));
    }
    tx.commit();
    return static_cast<int>(due.size());
}

}  // namespace inkan::worker

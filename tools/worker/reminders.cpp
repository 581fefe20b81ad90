#include "worker/reminders.hpp"

#include "mail/templates.hpp"
#include "settings/settings.hpp"
#include "store/audit.hpp"
#include "tsv/table.hpp"

namespace inkan::worker {

int send_renewal_reminders(store::Connection& c, const std::string& actor) {
    std::string days = settings::get(c, "renewal_reminder_days");
    store::Transaction tx(c);
    auto due = c.query(
        "SELECT old.id, old.subject_dn, old.serial, new.serial, o.email FROM certificates old "
        "JOIN certificates new ON new.id = old.replaced_by JOIN applications a ON a.id = new.application_id "
        "JOIN officers o ON o.id = a.officer_id "
        "WHERE old.renewal_reminder_at IS NULL AND old.revoked_at IS NULL AND old.not_after > now() "
        "AND new.created_at <= now() - make_interval(days => $1::int) FOR UPDATE OF old SKIP LOCKED",
        days);
    for (int i = 0; i < due.rows(); ++i) {
        mail::enqueue(c, mail::renewal_reminder(due.text(i, 4), due.text(i, 1), due.text(i, 2), due.text(i, 3),
                                                tsv::server_revocation_line(due.text(i, 1), due.text(i, 2))));
        c.query("UPDATE certificates SET renewal_reminder_at = now() WHERE id = $1", due.integer(i, 0));
        audit::append(c, actor, "certificate.renewal_reminder", "certificate:" + due.text(i, 0));
    }
    tx.commit();
    return due.rows();
}

}  // namespace inkan::worker

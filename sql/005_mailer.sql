-- inkan 005: the mailer's own role.  'inkan-worker --role mailer' delivers
-- mail, sends reminders and closes idle sessions; it holds no CA key and
-- may not write certificates (except the reminder mark), applications,
-- CRLs or OCSP responses.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'inkan_mail') THEN
        CREATE ROLE inkan_mail LOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO inkan_mail;
GRANT SELECT ON settings, mail_outbox, certificates, applications, officers, institutions, officer_sessions
    TO inkan_mail;
GRANT UPDATE (state, attempts, next_attempt_at, last_error, sent_at, body) ON mail_outbox TO inkan_mail;
GRANT INSERT ON mail_outbox, audit_log TO inkan_mail;
GRANT USAGE ON SEQUENCE mail_outbox_id_seq TO inkan_mail;
GRANT UPDATE (renewal_reminder_at) ON certificates TO inkan_mail;
GRANT UPDATE (ended_at, end_reason) ON officer_sessions TO inkan_mail;

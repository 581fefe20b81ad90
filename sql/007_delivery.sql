-- inkan 007: delivery leaves the key-holding process.  The signer records a
-- certificate and hands it over as a `deliveries` row; the mailer
-- ('inkan-worker --role mailer', role inkan_mail) takes it from there: mints
-- the download token and composes the mail.  The signer's role loses the
-- right to write mail or download tokens.
CREATE TABLE deliveries (
    id              bigserial PRIMARY KEY,
    certificate_id  bigint NOT NULL REFERENCES certificates,
    application_id  bigint NOT NULL REFERENCES applications,
    event           text NOT NULL CHECK (event IN ('issued', 'revoked')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    error           text,                   -- set when the delivery could not be carried out
    UNIQUE (application_id, event)
);
CREATE INDEX deliveries_pending ON deliveries (id) WHERE delivered_at IS NULL;

-- Wakes the mailer at once instead of at its next poll.
CREATE FUNCTION inkan_notify_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inkan_work', 'delivery');
    RETURN NULL;
END
$$;
CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION inkan_notify_delivery();

GRANT SELECT ON deliveries, profiles TO inkan_ra;
GRANT SELECT, INSERT ON deliveries TO inkan_ca;
GRANT USAGE ON SEQUENCE deliveries_id_seq TO inkan_ca;
GRANT SELECT, UPDATE (delivered_at, error) ON deliveries TO inkan_mail;
GRANT SELECT, INSERT ON download_tokens TO inkan_mail;
GRANT USAGE ON SEQUENCE download_tokens_id_seq TO inkan_mail;

REVOKE INSERT, UPDATE ON mail_outbox FROM inkan_ca;
REVOKE INSERT, UPDATE ON download_tokens FROM inkan_ca;
REVOKE USAGE ON SEQUENCE mail_outbox_id_seq FROM inkan_ca;
REVOKE USAGE ON SEQUENCE download_tokens_id_seq FROM inkan_ca;

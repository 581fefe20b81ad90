-- inkan 008: asynchronous officer pickup and renewal.  The RA no longer waits
-- for the signer: it queues the application and keeps the private key here,
-- sealed (AES-256-GCM) with a key that only the requesting browser or client
-- holds (a cookie or the `resume` value).  The row alone opens nothing; it is
-- deleted when the PKCS#12 is collected, and expires otherwise.
CREATE TABLE pending_keys (
    application_id  bigint PRIMARY KEY REFERENCES applications,
    officer_id      bigint NOT NULL REFERENCES officers,
    pickup_id       bigint REFERENCES officer_pickups,   -- NULL for a renewal
    sealed_key      bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);

GRANT SELECT, INSERT, DELETE ON pending_keys TO inkan_ra;
-- Row locks (SELECT ... FOR UPDATE) need an UPDATE grant; expires_at is the only column it covers.
GRANT UPDATE (expires_at) ON pending_keys TO inkan_ra;

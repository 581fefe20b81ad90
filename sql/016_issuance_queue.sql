-- inkan 016: the signer claims issues and renewals in batches, officers'
-- first (they wait on a page), then by age; this index serves that order
-- directly instead of sorting the whole queue on every claim.
CREATE INDEX applications_issuance_queue ON applications ((kind <> 'officer'), id)
    WHERE state = 'queued' AND operation IN ('issue', 'renew');

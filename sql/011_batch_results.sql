-- inkan 011: upload history.  Each batch keeps its per-line results (the
-- JSON the upload answered with), so an officer can come back to them.
ALTER TABLE batches ADD COLUMN results jsonb;
COMMENT ON COLUMN batches.results IS 'per-line results as the upload answered them (NULL for batches before 011)';

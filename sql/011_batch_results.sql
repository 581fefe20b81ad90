-- inkan 011: upload history.  Each batch keeps its per-line results (the
-- JSON the upload answered with), so an officer can come back to them.
-- Text, not jsonb: a line may quote a NUL from the file, which jsonb refuses.
ALTER TABLE batches ADD COLUMN results text;
COMMENT ON COLUMN batches.results IS 'per-line results as the upload answered them (NULL for batches before 011)';

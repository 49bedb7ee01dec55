-- Each checkpoint drops batch ids older than a day; without this index that was a scan of every
-- batch id the pipeline kept (up to a day of them).
CREATE INDEX ingest_batches_by_time ON ingest_batches (pipeline, created_at);

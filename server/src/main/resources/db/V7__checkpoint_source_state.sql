-- A source whose position is more than a byte offset (a Kafka source: an offset per partition of
-- each topic) keeps it here, in the source's own text; NULL for the others.
ALTER TABLE checkpoint ADD COLUMN source_state CLOB;

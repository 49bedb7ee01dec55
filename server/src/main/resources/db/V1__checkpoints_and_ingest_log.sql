-- Checkpoints: one row per pipeline, replaced atomically at every epoch.
CREATE TABLE checkpoint (
  pipeline     VARCHAR(63) PRIMARY KEY,
  epoch        BIGINT NOT NULL,
  fingerprint  VARCHAR(100000) NOT NULL,
  ingest_seq   BIGINT NOT NULL,
  source_pos   BIGINT NOT NULL,
  sink_marks   VARCHAR(100000) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The partitions' window state: per partition a header row (bucket -1: operator-wide state) and
-- one row per bucket of keys; a checkpoint rewrites only the buckets whose keys changed.
CREATE TABLE checkpoint_state (
  pipeline     VARCHAR(63) NOT NULL,
  partition_no INT NOT NULL,
  bucket       INT NOT NULL,
  state        VARBINARY NOT NULL,
  PRIMARY KEY (pipeline, partition_no, bucket)
);

-- Events accepted over HTTP: one row per request (a batch), durable before the 202.
CREATE TABLE ingest_log (
  pipeline     VARCHAR(63) NOT NULL,
  seq          BIGINT NOT NULL,
  events       CLOB NOT NULL,
  PRIMARY KEY (pipeline, seq)
);

-- Batch ids clients sent (Transom-Batch-Id): a retried request is acknowledged, not appended twice.
CREATE TABLE ingest_batches (
  pipeline     VARCHAR(63) NOT NULL,
  batch_id     VARCHAR(200) NOT NULL,
  seq          BIGINT NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (pipeline, batch_id)
);

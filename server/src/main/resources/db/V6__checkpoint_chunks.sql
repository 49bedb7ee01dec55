-- A partition's buckets as sequences of (bucket, length, bytes) entries, each cut into chunks of
-- 256 KiB: seq 0 holds every bucket as a full cut wrote them, each later seq the buckets an
-- incremental cut changed (an empty entry: the bucket was emptied), read in seq order. A hundred
-- large rows write several times faster than the row per bucket checkpoint_state took, and an
-- incremental cut is one row instead of one per changed bucket. The next full cut replaces all.
CREATE TABLE checkpoint_chunks (
  pipeline     VARCHAR(63) NOT NULL,
  partition_no INT NOT NULL,
  seq          INT NOT NULL,
  chunk        INT NOT NULL,
  state        VARBINARY NOT NULL,
  PRIMARY KEY (pipeline, partition_no, seq, chunk)
);

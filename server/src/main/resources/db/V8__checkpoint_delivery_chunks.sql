-- The records owed to sinks (checkpoint_deliveries' content): per sink one sequence of (varint
-- length, bytes) entries cut into chunks of 256 KiB, as checkpoint_chunks holds a partition's
-- buckets. A row per record took almost half the CPU of a pipeline writing 100k windows to an
-- exactly-once Kafka topic (an epoch's records are owed until its transaction commits). The old
-- table is still read, and emptied by the next save.
CREATE TABLE checkpoint_delivery_chunks (
  pipeline     VARCHAR(63) NOT NULL,
  sink         VARCHAR(100000) NOT NULL,
  chunk        INT NOT NULL,
  records      VARBINARY NOT NULL,
  PRIMARY KEY (pipeline, sink, chunk)
);

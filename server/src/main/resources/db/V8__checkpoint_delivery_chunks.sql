-- The records owed to sinks (checkpoint_deliveries' content) packed into chunks of up to 256 KiB, each
-- record as [length:4][bytes], read in chunk order. A row per record took almost half the CPU of a
-- pipeline writing 100k windows to an exactly-once Kafka topic (an epoch's records are owed until its
-- transaction commits); a chunk is one row. The old table is still read, and emptied by the next save.
CREATE TABLE checkpoint_delivery_chunks (
  pipeline     VARCHAR(63) NOT NULL,
  sink         VARCHAR(100000) NOT NULL,
  chunk        INT NOT NULL,
  records      VARBINARY NOT NULL,
  PRIMARY KEY (pipeline, sink, chunk)
);

-- The records an at-least-once sink (webhook) had not delivered when a checkpoint was cut, stored
-- in that checkpoint's transaction: it covers the input they came from, so a crash after it would
-- never produce them again. Rewritten by every checkpoint; put back in the sink's queue on restart.
CREATE TABLE checkpoint_deliveries (
  pipeline     VARCHAR(63) NOT NULL,
  sink         VARCHAR(100000) NOT NULL,
  seq          INT NOT NULL,
  record       VARBINARY NOT NULL,
  PRIMARY KEY (pipeline, sink, seq)
);

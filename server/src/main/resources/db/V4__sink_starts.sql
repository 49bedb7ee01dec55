-- The length an exactly-once file had before its first records were written, stored before they
-- are: a crash in the first checkpoint that writes to a file (a new pipeline, or a sink added by a
-- reload) must be able to cut the file back, and no checkpoint holds its length yet. Rows go once
-- a checkpoint stores the file's length.
CREATE TABLE sink_start (
  pipeline     VARCHAR(63) NOT NULL,
  sink_path    VARCHAR(4096) NOT NULL,
  length       BIGINT NOT NULL,
  PRIMARY KEY (pipeline, sink_path)
);

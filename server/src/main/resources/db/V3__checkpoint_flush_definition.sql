-- A checkpoint taken just before a windowing change flushes the old windows carries the old
-- definition: a crash before the new version's first checkpoint redoes the flush on restart.
ALTER TABLE checkpoint ADD COLUMN flush_definition CLOB;

-- Search snapshots (0003) are a cache of an order for the next pages of a
-- search, kept 2 hours: nothing to recover after a crash (the client gets
-- 410 and repeats the search). Unlogged, saving one costs no WAL and no
-- flush, where it was a synchronous commit on every first page of a sorted
-- search.
ALTER TABLE search_snapshot SET UNLOGGED;

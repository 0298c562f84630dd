-- +goose Up

-- The sales lines of a source are one run of row ids: an import deletes a file's lines
-- and writes its new ones one after the other at the end of the table. sources keeps
-- the run's first and last row ids and its count of lines, and ReplaceSales reads and
-- deletes the run (WHERE rowid BETWEEN first_line AND last_line AND source = ?) instead
-- of an index of every line's source, whose upkeep was a sixth of the time to write a
-- sales file. When the run does not hold the count (a VACUUM may renumber row ids), it
-- reads the whole table for the source's lines instead. first_line and last_line are
-- NULL while the source has no line.
ALTER TABLE sources ADD COLUMN first_line INTEGER;
ALTER TABLE sources ADD COLUMN last_line INTEGER;
ALTER TABLE sources ADD COLUMN lines INTEGER NOT NULL DEFAULT 0;
UPDATE sources SET
    first_line = (SELECT MIN(rowid) FROM sales WHERE source = sources.id),
    last_line = (SELECT MAX(rowid) FROM sales WHERE source = sources.id),
    lines = (SELECT COUNT(*) FROM sales WHERE source = sources.id);
DROP INDEX sales_source;

-- +goose Down
CREATE INDEX sales_source ON sales (source);
ALTER TABLE sources DROP COLUMN lines;
ALTER TABLE sources DROP COLUMN last_line;
ALTER TABLE sources DROP COLUMN first_line;

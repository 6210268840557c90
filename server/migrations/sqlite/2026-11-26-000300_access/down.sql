DROP TABLE actors;
DROP INDEX documents_cell_idx;
ALTER TABLE documents DROP COLUMN cell_id;

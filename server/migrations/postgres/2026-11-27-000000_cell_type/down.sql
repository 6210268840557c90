ALTER TABLE org_units DROP COLUMN cell_type;

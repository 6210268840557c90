-- The type of a cell (thon_to_dan_pho, co_quan, doanh_nghiep, luc_luong_vu_trang, khac): which
-- agenda template its new meetings start from. NULL: not recorded (the common template).
ALTER TABLE org_units ADD COLUMN cell_type TEXT;

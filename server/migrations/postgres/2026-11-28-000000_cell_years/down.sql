DROP TABLE meeting_cell_years;

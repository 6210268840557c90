DROP TABLE meeting_cell_months;

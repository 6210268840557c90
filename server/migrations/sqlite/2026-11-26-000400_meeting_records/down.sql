DROP TABLE meeting_records;

DROP TABLE meeting_locks;
DROP TABLE meeting_followups;
DROP TABLE meeting_tasks;
DROP TABLE meeting_problems;
DROP TABLE meeting_criteria;
DROP TABLE meeting_attendance;
DROP TABLE meeting_scores;
DROP TABLE meeting_facts;

DROP TABLE quarantine;
DROP TABLE changes;
DROP TABLE sync_states;
DROP TABLE doc_chunks;
DROP TABLE documents;
DROP TABLE devices;

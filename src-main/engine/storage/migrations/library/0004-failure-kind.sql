-- Failures carry a kind: 'permanent' (the file is bad) or 'transient' (disk full, permission, I/O), retried on the next refresh.
ALTER TABLE files ADD COLUMN failure_kind TEXT CHECK (failure_kind IN ('permanent', 'transient'));

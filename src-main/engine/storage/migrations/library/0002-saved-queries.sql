-- Composed queries the user saved by name (the query as JSON, validated when read).
CREATE TABLE saved_queries (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  query TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

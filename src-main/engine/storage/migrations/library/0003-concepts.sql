-- Personal concepts: a learned token per name, for one CLIP model, with what it was learned from.
CREATE TABLE concepts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  parent TEXT NOT NULL,
  model TEXT NOT NULL,
  basis_id TEXT NOT NULL,
  z TEXT NOT NULL,
  embedding BLOB NOT NULL,
  positives BLOB,
  attributes TEXT NOT NULL,
  photos TEXT NOT NULL,
  stats TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

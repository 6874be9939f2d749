-- Roots, files with metadata, tags, embeddings per model, and full-text search over names, folders and tags.
CREATE TABLE roots (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  added_at INTEGER NOT NULL,
  -- Set when the folder could not be read at the last scan.
  problem TEXT
);

CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
  path TEXT NOT NULL UNIQUE,
  folder TEXT NOT NULL,
  name TEXT NOT NULL,
  format TEXT,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  hash TEXT,
  width INTEGER,
  height INTEGER,
  orientation INTEGER,
  taken_at INTEGER,
  camera TEXT,
  lens TEXT,
  gps_lat REAL,
  gps_lon REAL,
  -- pending: metadata/thumbnail not done yet; indexed; failed / unsupported (error says why);
  -- missing: gone at the last scan, kept until indexing has had the chance to recognise it as moved (same hash).
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'indexed', 'failed', 'unsupported', 'missing')),
  error TEXT,
  thumb TEXT,
  indexed_at INTEGER
);
CREATE INDEX files_root ON files(root_id);
CREATE INDEX files_hash ON files(hash);
CREATE INDEX files_status ON files(status);
CREATE INDEX files_taken ON files(taken_at);

CREATE TABLE tags (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (file_id, tag)
);

-- One embedding per file and model; the vector index is derived from this table and can be rebuilt from it.
CREATE TABLE embeddings (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dim INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (file_id, model)
);

CREATE VIRTUAL TABLE files_fts USING fts5(name, folder, tags, tokenize = 'unicode61 remove_diacritics 2');

-- Keep the full-text index in step with files and tags (rowid = file id).
CREATE TRIGGER files_fts_insert AFTER INSERT ON files BEGIN
  INSERT INTO files_fts (rowid, name, folder, tags) VALUES (new.id, new.name, new.folder, '');
END;
CREATE TRIGGER files_fts_delete AFTER DELETE ON files BEGIN
  DELETE FROM files_fts WHERE rowid = old.id;
END;
CREATE TRIGGER files_fts_rename AFTER UPDATE OF name, folder ON files BEGIN
  UPDATE files_fts SET name = new.name, folder = new.folder WHERE rowid = new.id;
END;
CREATE TRIGGER tags_fts_insert AFTER INSERT ON tags BEGIN
  UPDATE files_fts SET tags = (SELECT group_concat(tag, ' ') FROM tags WHERE file_id = new.file_id) WHERE rowid = new.file_id;
END;
CREATE TRIGGER tags_fts_delete AFTER DELETE ON tags BEGIN
  UPDATE files_fts SET tags = coalesce((SELECT group_concat(tag, ' ') FROM tags WHERE file_id = old.file_id), '') WHERE rowid = old.file_id;
END;

-- Edit projects and their turn trees (a turn's parent is the turn it was made from).
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  cursor_turn_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE turns (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES turns(id) ON DELETE CASCADE,
  label TEXT,
  pipeline TEXT NOT NULL,
  instruction TEXT NOT NULL DEFAULT '',
  negative TEXT NOT NULL DEFAULT '',
  params TEXT,
  model_id TEXT,
  provider TEXT,
  image_file TEXT NOT NULL,
  thumb_file TEXT NOT NULL,
  mask_file TEXT,
  timings TEXT,
  created_at INTEGER NOT NULL,
  visited_at INTEGER NOT NULL
);
CREATE INDEX turns_project ON turns(project_id);
CREATE INDEX turns_parent ON turns(parent_id);

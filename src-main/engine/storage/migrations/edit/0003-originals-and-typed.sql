-- The full-resolution picture a project was made from (exports come back at its size); null for older projects and blank canvases.
-- A project's kind (photo or blank canvas), and a turn's instruction as the user typed it.
ALTER TABLE projects ADD COLUMN original_file TEXT;
ALTER TABLE projects ADD COLUMN original_width INTEGER;
ALTER TABLE projects ADD COLUMN original_height INTEGER;
ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT 'photo';
ALTER TABLE turns ADD COLUMN typed TEXT;

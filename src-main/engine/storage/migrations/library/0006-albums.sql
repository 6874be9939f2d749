-- Albums (collections, as in Lightroom): named sets of library photos chosen by hand. A photo can be in many albums; an album holds each photo once. Deleting an album never touches its photos; a photo leaving the library leaves every album. Names are unique whatever their case.
CREATE TABLE albums (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE album_items (
  album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (album_id, file_id)
) WITHOUT ROWID;
CREATE INDEX album_items_file ON album_items(file_id);

-- Exposure, lens-independent descriptions and the user's judgement of a photo: ISO, aperture, shutter, focal length, title and caption (XMP/IPTC), a 0–5 star rating and a pick/reject flag. meta_version 0 marks photos read before GPS, exposure and XMP/IPTC were read: the next refresh reads their metadata again (no new decode or vectors).
ALTER TABLE files ADD COLUMN iso REAL;
ALTER TABLE files ADD COLUMN aperture REAL;
ALTER TABLE files ADD COLUMN shutter REAL;
ALTER TABLE files ADD COLUMN focal_length REAL;
ALTER TABLE files ADD COLUMN title TEXT;
ALTER TABLE files ADD COLUMN caption TEXT;
ALTER TABLE files ADD COLUMN rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5);
ALTER TABLE files ADD COLUMN flag INTEGER NOT NULL DEFAULT 0 CHECK (flag IN (-1, 0, 1));
ALTER TABLE files ADD COLUMN meta_version INTEGER NOT NULL DEFAULT 0;

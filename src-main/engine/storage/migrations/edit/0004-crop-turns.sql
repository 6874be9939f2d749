-- Crop turns: the box they cut (JSON, pixels of the full-resolution picture); null for every other turn.
ALTER TABLE turns ADD COLUMN crop TEXT;

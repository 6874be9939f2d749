-- The camera's embedded preview (MPF) that indexing decoded instead of the full image, as its upright size in pixels: the thumbnail and the image vectors came from it. NULL: the full image was decoded, as for every photo indexed before this version (so nothing needs indexing again).
ALTER TABLE files ADD COLUMN preview_width INTEGER;
ALTER TABLE files ADD COLUMN preview_height INTEGER;

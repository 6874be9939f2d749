-- Grounded turns: η, γ, schedule and neighbours (content hashes).
ALTER TABLE turns ADD COLUMN grounding TEXT;

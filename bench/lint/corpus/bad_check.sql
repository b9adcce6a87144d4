ALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total > 0);

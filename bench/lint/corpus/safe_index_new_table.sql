CREATE TABLE items (id bigint PRIMARY KEY, sku text);
CREATE INDEX ix_items_sku ON items (sku);

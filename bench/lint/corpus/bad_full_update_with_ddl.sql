ALTER TABLE orders ADD COLUMN n bigint;
UPDATE orders SET n = 0;

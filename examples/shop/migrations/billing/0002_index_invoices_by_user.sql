-- phase: expand

-- +up
CREATE INDEX ix_invoices_user ON invoices (user_id);

-- +down
DROP INDEX ix_invoices_user;

-- requires: core/0001_create_users
-- phase: expand

-- +up
CREATE TABLE invoices (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    amount_cents BIGINT NOT NULL,
    issued_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +down
DROP TABLE invoices;

-- phase: expand

-- +up
ALTER TABLE users ADD COLUMN email TEXT;
CREATE UNIQUE INDEX ux_users_email ON users (email);

-- +down
DROP INDEX ux_users_email;
ALTER TABLE users DROP COLUMN email;

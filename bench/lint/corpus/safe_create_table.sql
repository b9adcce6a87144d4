CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), body jsonb);

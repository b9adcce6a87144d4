-- requires: core/0002_add_user_email
-- phase: expand

-- +up
CREATE TABLE search_documents (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL
);

-- +down
DROP TABLE search_documents;

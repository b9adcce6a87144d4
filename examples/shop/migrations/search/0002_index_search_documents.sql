-- phase: expand

-- +up
CREATE INDEX ix_search_documents_user ON search_documents (user_id);

-- +down
DROP INDEX ix_search_documents_user;

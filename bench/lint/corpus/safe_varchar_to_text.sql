CREATE TABLE labels (id bigint PRIMARY KEY, name varchar(20));
ALTER TABLE labels ALTER COLUMN name TYPE text;

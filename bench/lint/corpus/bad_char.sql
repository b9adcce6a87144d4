CREATE TABLE codes (id bigint PRIMARY KEY, code char(3));

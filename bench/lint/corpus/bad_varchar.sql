CREATE TABLE people (id bigint PRIMARY KEY, name varchar(40));

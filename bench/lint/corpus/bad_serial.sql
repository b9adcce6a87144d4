CREATE TABLE things2 (id serial PRIMARY KEY);

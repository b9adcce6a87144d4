ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';

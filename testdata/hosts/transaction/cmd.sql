-- Training runs on the calling connection: it sees the open transaction's
-- uncommitted rows and temp tables, and it is part of that transaction, so
-- ROLLBACK undoes the model (and the catalog it created) with the rest.
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES (1, 1, 10), (2, 2, 12), (3, 20, 500), (4, 21, 510);
BEGIN;
INSERT INTO customers VALUES (5, 1, 11), (6, 22, 490);
SELECT json_extract(kmeans_train('seg', 'customers', '{"k": 2}'), '$.rows');
SELECT name, version, n_rows FROM ml_models;
ROLLBACK;
SELECT count(*) FROM customers;
SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ml_%';

SELECT json_extract(kmeans_train('seg', 'customers', '{"k": 2}'), '$.rows');
BEGIN;
SELECT json_extract(kmeans_train('seg', 'customers', '{"k": 3}'), '$.k');
SELECT name, version FROM ml_models;
ROLLBACK;
SELECT name, version, json_extract(options, '$.k') AS k FROM ml_models;
SELECT id, kmeans_assign('seg', visits, spend) FROM customers;

-- A failed training inside a transaction leaves the transaction usable.
BEGIN;
SELECT kmeans_train('seg', 'customers', '{"k": 9}');
INSERT INTO customers VALUES (7, 3, 14);
COMMIT;
SELECT count(*), (SELECT version FROM ml_models WHERE name = 'seg') FROM customers;

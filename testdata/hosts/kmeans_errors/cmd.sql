-- Bad input to the k-means functions: each error starts with the function's
-- name and says what to do; a table-valued function called with missing or
-- extra arguments gives its signature. None of them stops the session.
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES (1, 1, 10), (2, 2, 12), (3, 20, 500), (4, 21, 510), (5, NULL, 7);
SELECT * FROM kmeans_centroids();
SELECT * FROM kmeans_centroids('seg', 2);
SELECT * FROM kmeans_profile();
SELECT * FROM kmeans_profile('seg', 'extra');
SELECT * FROM kmeans_select_k('customers', 2);
SELECT * FROM kmeans_select_k('customers', 2, 3, '{}', 'extra');
SELECT kmeans_train('seg', 'customers');
SELECT kmeans_train('seg', 'customers', '{"k": 2}');
SELECT kmeans_train('seg', 'customers', '{"k": 2, "colour": "red"}');
SELECT kmeans_train('seg', 'customers', '{"k": 0, "on_null": "skip"}');
SELECT kmeans_train('seg', 'customers', 'k=2');
SELECT kmeans_train('bad name', 'customers', '{"k": 2}');
SELECT kmeans_train('seg', 'DELETE FROM customers', '{"k": 2}');
SELECT kmeans_train('seg', 'no_such_table', '{"k": 2}');
SELECT json_extract(kmeans_train('seg', 'customers', '{"k": 2, "on_null": "skip"}'), '$.skipped') AS skipped;
SELECT kmeans_assign('seg', 1);
SELECT kmeans_assign('seg', 1, 2, 3);
SELECT kmeans_assign('seg', 'many', 2);
SELECT kmeans_assign('nosuch', 1, 2);
SELECT * FROM kmeans_centroids('nosuch');
SELECT count(*) AS customers_left FROM customers;
SELECT name, version FROM ml_models;

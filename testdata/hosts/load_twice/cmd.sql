-- Loading the extension again into a connection that has it is harmless:
-- the stock sqlite3 runs the "-- sqlite3:" lines below (it has already
-- loaded the extension once from the command line); for bin/marketsql,
-- which has the functions built in, they are comments. The functions, the
-- models and the models the connection has cached carry on as before.
-- sqlite3: .load $EXT
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES (1, 1, 10), (2, 2, 12), (3, 20, 500), (4, 21, 510), (5, 1, 11);
SELECT json_extract(kmeans_train('seg', 'customers', '{"k": 2}'), '$.sizes');
SELECT id, kmeans_assign('seg', visits, spend) FROM customers;
-- sqlite3: .load $EXT
SELECT id, kmeans_assign('seg', visits, spend) FROM customers;
SELECT json_extract(kmeans_train('seg', 'SELECT id, spend FROM customers', '{"k": 3}'), '$.features');
-- sqlite3: .load $EXT
-- The retrained model has one feature and three clusters: the cache must
-- not serve the old one.
SELECT kmeans_assign('seg', 10) AS low, kmeans_assign('seg', 501) <> kmeans_assign('seg', 509) AS high_split;
SELECT kmeans_assign('seg', 1, 10);
SELECT name, version FROM ml_models;
SELECT count(DISTINCT name) FROM pragma_function_list WHERE name IN ('kmeans_train', 'kmeans_assign', 'lda_train', 'recommend_train', 'ml_drop');

-- k-means end to end on three obvious groups of customers: five near
-- (1, 10), four near (20, 500), three near (40, 90); clusters are numbered
-- by size, largest first.
.headers on
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES
  (1, 1, 10), (2, 2, 12), (3, 1, 8), (4, 0, 11), (5, 2, 9),
  (6, 20, 500), (7, 21, 510), (8, 19, 490), (9, 20, 505),
  (10, 40, 90), (11, 41, 95), (12, 39, 85);

SELECT json_extract(s, '$.model') AS model, json_extract(s, '$.k') AS k,
       json_extract(s, '$.rows') AS rows, json_extract(s, '$.skipped') AS skipped,
       json_extract(s, '$.sizes') AS sizes, json_type(s, '$.seconds') AS seconds,
       round(json_extract(s, '$.silhouette'), 3) AS silhouette
FROM (SELECT kmeans_train('seg', 'customers', '{"k": 3}') AS s);

-- Every customer's segment and distance, and two new points.
SELECT id, kmeans_assign('seg', visits, spend) AS segment,
       round(kmeans_distance('seg', visits, spend), 3) AS distance
FROM customers ORDER BY id;
SELECT kmeans_assign('seg', 38, 100) AS new_a, kmeans_assign('seg', 22, 480) AS new_b,
       kmeans_assign('seg', NULL, 5) AS null_feature;

SELECT cluster, feature, round(value, 3) AS value, size FROM kmeans_centroids('seg');
SELECT cluster, size, round(share, 4) AS share, feature, round(mean, 3) AS mean,
       round(overall_mean, 3) AS overall_mean, round(z, 3) AS z
FROM kmeans_profile('seg');

-- The catalog and the side tables are plain tables.
SELECT name, kind, version, source, n_rows, json_extract(metrics, '$.sizes') AS sizes,
       typeof(params) AS params
FROM ml_models;
SELECT cluster, count(*) AS n FROM ml_kmeans_assignments WHERE model = 'seg' GROUP BY cluster;
SELECT count(*) AS centroid_rows FROM ml_kmeans_centroids WHERE model = 'seg';

-- Training again replaces the model and increments its version; a query
-- source and a temp table work as sources.
SELECT json_extract(kmeans_train('seg', 'SELECT id, visits, spend FROM customers WHERE id <= 9', '{"k": 2}'), '$.sizes') AS sizes;
SELECT name, version, source, n_rows FROM ml_models;
CREATE TEMP TABLE recent AS SELECT id, visits FROM customers WHERE id > 5;
SELECT json_extract(kmeans_train('seg1d', 'recent', '{"k": 2, "seed": 7}'), '$.sizes') AS sizes;
SELECT kmeans_assign('seg1d', 40) AS far, kmeans_assign('seg1d', 20) AS near;

-- Choosing k: inertia falls, the silhouette peaks at the three real groups.
SELECT k, round(inertia, 3) AS inertia, round(silhouette, 3) AS silhouette, iterations > 0 AS iterated
FROM kmeans_select_k('customers', 2, 4, '{"n_init": 4}');

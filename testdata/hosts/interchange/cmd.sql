-- Models trained elsewhere come in with ml_import and go out with ml_export,
-- in every host. Paths are relative to the working directory (the repository).
SELECT json_extract(s, '$.kind'), json_extract(s, '$.k'), json_extract(s, '$.class')
  FROM (SELECT ml_import('spark', 'testdata/spark/mllib-kmeans-rdd/model4') AS s);
SELECT cluster, source_cluster, feature, value FROM ml_kmeans_centroids WHERE model = 'spark' ORDER BY 1, 3;
SELECT kmeans_assign('spark', 4, 5, 6), kmeans_assign('spark', 1, 2, 2.5);
CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL);
INSERT INTO pts VALUES (1, 0, 0), (2, 0, 1), (3, 1, 0), (4, 10, 10), (5, 11, 10), (6, 5, 40);
SELECT kmeans_train('m', 'pts', '{"k": 3}') IS NOT NULL;
SELECT json_extract(ml_export('m', '$TMP/m.pmml'), '$.format');
SELECT json_extract(ml_import('m_pmml', '$TMP/m.pmml'), '$.k');
SELECT count(*) FROM pts WHERE kmeans_assign('m', a, b) = kmeans_assign('m_pmml', a, b);
CREATE TABLE r(u INTEGER, i INTEGER);
INSERT INTO r VALUES (1, 10), (1, 11), (2, 10), (2, 12), (3, 11), (3, 12), (4, 10), (4, 13);
SELECT recommend_train('als', 'r', '{"method": "als", "factors": 3}') IS NOT NULL;
SELECT json_extract(ml_export('als', '$TMP/als'), '$.class');
SELECT json_extract(ml_import('als_back', '$TMP/als'), '$.users');
SELECT count(*) FROM (SELECT item, round(score, 6) FROM recommend('als', 1, 4, '{"include_seen": true}')
  EXCEPT SELECT item, round(score, 6) FROM recommend('als_back', 1, 4));
SELECT ml_import('x', 'testdata/spark');
CREATE VIEW v AS SELECT ml_import('y', 'testdata/spark/mllib-kmeans-rdd/model4') AS s;
SELECT * FROM v;
SELECT name, kind FROM ml_models ORDER BY name;

-- ml_drop removes a model and every row it has in the catalog's side
-- tables; 1 if it existed, else 0. Other models stay.
.headers on
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES (1, 1, 10), (2, 2, 12), (3, 20, 500), (4, 21, 510), (5, 1, 11), (6, 22, 490);
CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO docs VALUES (1, 'coffee beans espresso'), (2, 'espresso coffee crema'),
  (3, 'garden soil seeds'), (4, 'seeds garden compost');
SELECT kmeans_train('seg', 'customers', '{"k": 2}') IS NOT NULL AS seg,
       kmeans_train('seg2', 'customers', '{"k": 3}') IS NOT NULL AS seg2,
       lda_train('topics', 'docs', '{"topics": 2, "holdout": 0, "min_df": 1, "max_df": 1.0}') IS NOT NULL AS topics,
       recommend_train('recs', 'SELECT id % 2, id FROM customers', '{"method": "popular"}') IS NOT NULL AS recs;
SELECT name, kind FROM ml_models ORDER BY name;
SELECT model, count(*) AS rows FROM ml_kmeans_assignments GROUP BY model ORDER BY model;

SELECT ml_drop('seg') AS dropped, ml_drop('seg') AS again, ml_drop('never_trained') AS never;
SELECT name FROM ml_models ORDER BY name;
SELECT (SELECT count(*) FROM ml_kmeans_assignments WHERE model = 'seg') AS seg_assignments,
       (SELECT count(*) FROM ml_kmeans_centroids WHERE model = 'seg') AS seg_centroids,
       (SELECT count(*) FROM ml_kmeans_assignments WHERE model = 'seg2') AS seg2_assignments;
SELECT kmeans_assign('seg', 1, 10);
SELECT kmeans_assign('seg2', 1, 10) AS seg2_still_scores;

SELECT ml_drop('topics') AS topics, ml_drop('recs') AS recs;
SELECT (SELECT count(*) FROM ml_lda_topic_words WHERE model = 'topics') AS topic_words,
       (SELECT count(*) FROM ml_lda_doc_topics WHERE model = 'topics') AS doc_topics;
SELECT * FROM lda_topics('topics');
SELECT * FROM recommend('recs', 1);

-- A model trained again after ml_drop starts over at version 1.
SELECT json_extract(kmeans_train('seg', 'customers', '{"k": 2}'), '$.sizes') AS sizes;
SELECT name, version FROM ml_models ORDER BY name;
SELECT ml_drop();
SELECT ml_drop('bad name');

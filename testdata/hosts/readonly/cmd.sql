-- On a read-only connection (-readonly) every model scores as usual and
-- training fails with an error that says why and what to do; the models
-- stay as they were.
SELECT id, kmeans_assign('seg', visits, spend), round(kmeans_distance('seg', visits, spend), 3) FROM customers;
SELECT count(*) FROM kmeans_centroids('seg');
SELECT count(*) FROM kmeans_profile('seg');
SELECT count(*) FROM kmeans_select_k('customers', 1, 2);
SELECT lda_top_topic('topics', 'espresso coffee') <> lda_top_topic('topics', 'garden seeds');
SELECT count(*) FROM lda_topics('topics', 3);
SELECT count(*) FROM lda_doc_topics('topics');
SELECT rank, item FROM recommend('recs', 1, 2);
SELECT kmeans_train('seg', 'customers', '{"k": 3}');
SELECT kmeans_train('new_seg', 'customers', '{"k": 2}');
SELECT lda_train('topics', 'docs', '{"topics": 3}');
SELECT recommend_train('recs', 'SELECT id % 2, id FROM customers', '{}');
SELECT ml_drop('seg');
SELECT name, kind, version FROM ml_models ORDER BY name;
SELECT kmeans_assign('seg', 21, 505);

-- Run read-write first: data and a model to score.
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES (1, 1, 10), (2, 2, 12), (3, 20, 500), (4, 21, 510), (5, 1, 11);
SELECT kmeans_train('seg', 'customers', '{"k": 2}') IS NOT NULL;
CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO docs VALUES (1, 'coffee beans espresso'), (2, 'espresso coffee crema'),
  (3, 'garden soil seeds'), (4, 'seeds garden compost');
SELECT lda_train('topics', 'docs', '{"topics": 2, "holdout": 0, "min_df": 1, "max_df": 1.0}') IS NOT NULL;
SELECT recommend_train('recs', 'SELECT id % 2, id FROM customers', '{"method": "popular"}') IS NOT NULL;

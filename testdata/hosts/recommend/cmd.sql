-- Recommendations end to end on a small shop: tea buyers and bakers.
.headers on
CREATE TABLE purchases(customer TEXT, item TEXT);
INSERT INTO purchases VALUES
  ('ann', 'teapot'), ('ann', 'green tea'), ('ann', 'black tea'), ('ann', 'cups'),
  ('bob', 'teapot'), ('bob', 'green tea'), ('bob', 'cups'),
  ('cy',  'green tea'), ('cy', 'black tea'), ('cy', 'cups'),
  ('dee', 'teapot'), ('dee', 'black tea'),
  ('eve', 'flour'), ('eve', 'yeast'), ('eve', 'baking tray'),
  ('fay', 'flour'), ('fay', 'yeast'), ('fay', 'rolling pin'),
  ('gus', 'flour'), ('gus', 'baking tray'), ('gus', 'rolling pin'), ('gus', 'yeast'),
  ('hal', 'flour'), ('hal', 'cups');

SELECT json_extract(s, '$.method') AS method, json_extract(s, '$.users') AS users,
       json_extract(s, '$.items') AS items, json_extract(s, '$.interactions') AS interactions
FROM (SELECT recommend_train('knn', 'purchases', '{"method": "item_knn"}') AS s);

-- bob lacks black tea, dee lacks green tea and cups, eve lacks the rolling pin.
SELECT rank, item, round(score, 3) AS score, reason FROM recommend('knn', 'bob', 2);
SELECT rank, item, round(score, 3) AS score, reason FROM recommend('knn', 'dee', 2);
SELECT rank, item, round(score, 3) AS score, reason FROM recommend('knn', 'eve', 1);
-- A customer the model has never seen gets the most popular items.
SELECT rank, item, score, reason FROM recommend('knn', 'zoe', 3);
-- A basket that is not a customer, and the items bought with flour.
SELECT rank, item, round(score, 3) AS score FROM recommend_basket('knn', '["flour", "yeast"]', 2);
SELECT rank, item, round(score, 3) AS score FROM similar_items('knn', 'flour', 3);

-- Every customer's top 2 in one statement.
SELECT p.customer, group_concat(r.item, ', ') AS top2
FROM (SELECT DISTINCT customer FROM purchases) p, recommend('knn', p.customer, 2) r
GROUP BY p.customer ORDER BY p.customer;

-- Evaluated on held-out purchases: bob's black tea and eve's rolling pin are
-- each the top recommendation.
CREATE TABLE holdout(customer TEXT, item TEXT);
INSERT INTO holdout VALUES ('bob', 'black tea'), ('eve', 'rolling pin');
SELECT metric, round(value, 4) AS value FROM recommend_eval('knn', 'holdout', 1);

-- ALS and popularity train on the same rows.
SELECT json_extract(recommend_train('als', 'purchases', '{"factors": 4, "iterations": 10}'), '$.method') AS method;
SELECT count(*) AS n, count(DISTINCT item) AS distinct_items,
       sum(item IN (SELECT item FROM purchases WHERE customer = 'eve')) AS already_bought
FROM recommend('als', 'eve', 3);
SELECT json_extract(recommend_train('pop', 'purchases', '{"method": "popular"}'), '$.method') AS method;
SELECT rank, item, score FROM recommend('pop', 'zoe', 3);
SELECT name, kind, version, n_rows FROM ml_models ORDER BY name;

-- Bad input.
SELECT * FROM recommend('knn');
SELECT * FROM recommend('knn', 'bob', 2, '{}', 'extra');
SELECT * FROM similar_items('knn');
SELECT * FROM similar_items('knn', 'flour', 3, 'extra');
SELECT * FROM recommend_basket('knn', 'flour', 2);
SELECT * FROM recommend_eval('knn');
SELECT * FROM recommend_eval('knn', 'holdout', 10, 'extra');
SELECT recommend_train('knn', 'purchases', '{"method": "magic"}');
SELECT recommend_train('knn', 'SELECT customer FROM purchases', '{}');
SELECT * FROM recommend('nosuch', 'bob');

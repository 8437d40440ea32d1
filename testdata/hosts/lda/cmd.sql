-- LDA end to end on two themes customers write about: coffee and garden.
-- Topics are numbered by their share of tokens, largest first.
.headers on
CREATE TABLE reviews(id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO reviews VALUES
  (1, 'coffee beans espresso grinder coffee roast'),
  (2, 'espresso coffee roast beans crema grinder'),
  (3, 'grinder espresso coffee beans roast crema'),
  (4, 'coffee crema espresso roast beans coffee'),
  (5, 'roast beans grinder espresso crema coffee'),
  (6, 'garden shovel seeds tomato compost garden'),
  (7, 'tomato seeds compost shovel garden soil'),
  (8, 'compost soil garden seeds tomato shovel'),
  (9, 'seeds garden soil compost tomato shovel'),
  (10, 'shovel soil tomato garden compost seeds');

SELECT json_extract(s, '$.docs') AS docs, json_extract(s, '$.vocabulary') AS vocabulary,
       json_extract(s, '$.topics') AS topics, json_extract(s, '$.holdout_docs') AS holdout_docs
FROM (SELECT lda_train('themes', 'reviews',
        '{"topics": 2, "passes": 20, "seed": 1, "holdout": 0, "max_df": 1.0}') AS s);

SELECT topic, group_concat(word, ' ') AS top_words
FROM (SELECT topic, word FROM lda_topics('themes', 4) ORDER BY topic, rank)
GROUP BY topic ORDER BY topic;
SELECT count(*) AS rows_default_top_n FROM lda_topics('themes');

-- New texts: their topic, and the topic mix.
SELECT lda_top_topic('themes', 'fresh espresso beans') AS coffee_text,
       lda_top_topic('themes', 'compost for the tomato garden') AS garden_text,
       lda_top_topic('themes', 'nothing known here') AS unknown_words;
SELECT topic, round(weight, 1) AS weight FROM lda_infer('themes', 'espresso grinder crema') ORDER BY weight DESC LIMIT 1;
SELECT count(*) AS rows FROM lda_infer('themes', 'zzz qqq');

-- Each review's main topic: the coffee reviews share one, the garden ones the other.
SELECT group_concat(doc_id, ',') AS docs, topic
FROM (SELECT doc_id, topic FROM lda_doc_topics('themes') WHERE weight > 0.5 ORDER BY doc_id)
GROUP BY topic ORDER BY min(doc_id);
SELECT count(DISTINCT doc_id) AS docs FROM ml_lda_doc_topics WHERE model = 'themes';
SELECT name, kind, version, n_rows FROM ml_models;

-- Already tokenized (doc_id, term, count) rows work as a source too.
CREATE TABLE terms(doc_id INTEGER, term TEXT, n INTEGER);
INSERT INTO terms VALUES (1, 'coffee', 3), (1, 'beans', 2), (2, 'coffee', 1), (2, 'espresso', 2),
  (3, 'garden', 3), (3, 'soil', 2), (4, 'garden', 2), (4, 'seeds', 1);
SELECT json_extract(lda_train('bow', 'terms', '{"topics": 2, "holdout": 0, "min_df": 1, "max_df": 1.0}'), '$.docs') AS docs;

-- Bad input: missing and extra arguments, wrong option.
SELECT * FROM lda_topics();
SELECT * FROM lda_topics('themes', 3, 'extra');
SELECT * FROM lda_infer('themes');
SELECT * FROM lda_doc_topics('themes', 1);
SELECT lda_train('themes', 'reviews', '{"topics": 0}');
SELECT lda_train('themes', 'reviews', '{"topic": 2}');
SELECT lda_top_topic('nosuch', 'coffee');
SELECT name, version FROM ml_models ORDER BY name;

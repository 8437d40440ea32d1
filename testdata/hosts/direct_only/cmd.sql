-- Functions that write (training, ml_drop) run only from top-level SQL: a
-- view or trigger stored in a database file cannot make them run when
-- someone else merely reads the file. Scoring works anywhere.
CREATE TABLE pts(id INTEGER PRIMARY KEY, x REAL, y REAL);
INSERT INTO pts VALUES (1, 0, 0), (2, 0, 1), (3, 9, 9), (4, 9, 8);
SELECT kmeans_train('m', 'pts', '{"k": 2}') IS NOT NULL;
CREATE VIEW retrain AS SELECT kmeans_train('m', 'pts', '{"k": 2}') AS s;
SELECT * FROM retrain;
CREATE VIEW dropper AS SELECT ml_drop('m') AS d;
SELECT * FROM dropper;
CREATE TABLE log(x);
CREATE TRIGGER t AFTER INSERT ON log BEGIN SELECT lda_train('l', 'pts', '{}'); END;
INSERT INTO log VALUES (1);
CREATE VIEW segments AS SELECT id, kmeans_assign('m', x, y) AS segment FROM pts;
SELECT * FROM segments;
SELECT name, version FROM ml_models;

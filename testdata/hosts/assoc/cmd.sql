-- Basket rules in every host: mlxtend's 5-basket data set (rasbt/mlxtend,
-- frequent_patterns/tests/test_fpbase.py, BSD-3), a repeated row, bad input.
CREATE TABLE b(basket INTEGER, item TEXT);
INSERT INTO b VALUES
  (1, 'Milk'), (1, 'Onion'), (1, 'Nutmeg'), (1, 'Kidney Beans'), (1, 'Eggs'), (1, 'Yogurt'),
  (2, 'Dill'), (2, 'Onion'), (2, 'Nutmeg'), (2, 'Kidney Beans'), (2, 'Eggs'), (2, 'Yogurt'),
  (3, 'Milk'), (3, 'Apple'), (3, 'Kidney Beans'), (3, 'Eggs'),
  (4, 'Milk'), (4, 'Unicorn'), (4, 'Corn'), (4, 'Kidney Beans'), (4, 'Yogurt'),
  (5, 'Corn'), (5, 'Onion'), (5, 'Onion'), (5, 'Kidney Beans'), (5, 'Ice cream'), (5, 'Eggs');
SELECT json_extract(s, '$.baskets'), json_extract(s, '$.repeated'), json_extract(s, '$.itemsets'), json_extract(s, '$.rules')
  FROM (SELECT assoc_train('m', 'b', '{"min_support": 0.6, "min_confidence": 0.8}') AS s);
SELECT rule, antecedent, consequent, support, confidence, round(lift, 6), round(leverage, 6), round(conviction, 6), count
  FROM assoc_rules('m');
SELECT itemset, support, count, size FROM assoc_itemsets('m');
SELECT rank, item, confidence, because FROM assoc_recommend('m', '["Onion"]', 5);
SELECT count(*), count(DISTINCT rule) FROM ml_assoc_rules WHERE model = 'm';
SELECT assoc_train('m', 'b', '{"min_support": 0}');
SELECT * FROM assoc_recommend('m', 'Onion');
CREATE VIEW v AS SELECT assoc_train('x', 'b', '{}') AS s;
SELECT * FROM v;
SELECT name, kind FROM ml_models;

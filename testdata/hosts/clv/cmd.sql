-- Customer value end to end on a small shop's orders: RFM segments, then a
-- lifetime-value model with a holdout.
.headers on
CREATE TABLE orders(customer TEXT, ordered_at TEXT, amount REAL, invoice TEXT);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)
INSERT INTO orders
SELECT 'c' || (i % 20),
       date('2024-01-01', '+' || ((i * 37 + (i % 20) * 11) % 300) || ' days') || ' 10:00:00',
       round(10 + (i * 7 % 13) * 2.5, 2),
       'inv' || i
FROM n;
INSERT INTO orders VALUES ('solo', '2024-03-01T09:30:00Z', 12.5, 'inv100'),
  ('c1', '2024-05-05', 30, 'inv101'), ('c1', '2024-05-05', 5, 'inv102');

SELECT count(*) AS customers, min(recency_days) AS min_recency, max(frequency) AS max_frequency,
       count(DISTINCT segment) AS segments
FROM rfm('orders');
SELECT customer, recency_days, frequency, round(monetary, 2) AS monetary, r, f, m, score, segment
FROM rfm('orders') ORDER BY score DESC, customer LIMIT 5;
SELECT segment, count(*) AS n FROM rfm('orders', '{"as_of": "2024-12-31"}') GROUP BY segment ORDER BY n DESC, segment;
-- Distinct dates instead of invoices, three bins and a custom map.
SELECT customer, frequency, r, f, m, segment
FROM rfm('SELECT customer, ordered_at, amount FROM orders',
         '{"bins": 3, "segments": {"Best": {"r": 3, "fm": [2, 3]}, "Rest": {"r": [1, 3]}}}')
WHERE customer IN ('c1', 'c2', 'solo') ORDER BY customer;

SELECT json_extract(s, '$.purchases.model') AS model, json_extract(s, '$.customers') AS customers,
       json_extract(s, '$.repeat_customers') AS repeat_customers, json_extract(s, '$.as_of') AS as_of,
       json_extract(s, '$.holdout_to') AS holdout_to, json_extract(s, '$.spend.model') AS spend,
       json_extract(s, '$.purchases.converged') AS converged
FROM (SELECT clv_train('shop', 'SELECT customer, ordered_at, amount FROM orders',
                       '{"holdout_from": "2024-09-01", "time_unit": "week", "penalizer": 0.01}') AS s);
SELECT count(*) AS customers, sum(p_alive BETWEEN 0 AND 1) AS probabilities,
       sum(expected_purchases >= 0) AS expectations, sum(clv >= 0) AS values_
FROM clv_predict('shop');
SELECT count(*) AS n FROM ml_clv_customers WHERE model = 'shop';
SELECT round(clv_p_alive('shop', 0, 0, 10), 4) = 1.0 AS new_customer_alive,
       clv_expected_purchases('shop', 0, 2, 5, 10) AS over_nothing;
SELECT diagnostic, count(*) AS rows_ FROM clv_eval('shop') GROUP BY diagnostic ORDER BY diagnostic;
SELECT sum(actual) AS customers FROM clv_eval('shop') WHERE diagnostic = 'frequency_histogram';

-- Bad input.
SELECT * FROM rfm('SELECT customer, ''01/02/2024'', amount FROM orders');
SELECT * FROM rfm('SELECT customer, ordered_at, -amount FROM orders');
SELECT count(*) AS kept FROM rfm('SELECT customer, ordered_at, CASE WHEN amount > 20 THEN NULL ELSE amount END FROM orders', '{"on_null": "skip"}');
SELECT * FROM rfm('orders', '{"bins": 12}');
SELECT clv_train('solo', 'SELECT customer, ordered_at, amount FROM orders WHERE customer = ''solo'' OR invoice = ''inv0''', '{}');
SELECT clv_train('bad', 'orders', '{"model": "magic"}');
SELECT * FROM clv_predict('shop', -1);
SELECT * FROM clv_predict('nosuch');
CREATE VIEW v AS SELECT clv_train('x', 'orders', '{}');
SELECT * FROM v;

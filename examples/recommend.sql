-- marketsql recommendations on Online Retail, all in SQL. Expects the raw
-- CSV imported as retail_raw and examples/rfm.sql applied (it creates the
-- typed table purchases). Run by `make demo`; the split below is the one of
-- ../shared/peers/recsys_prep.py, so its figures compare with the reference.
--
-- The split rule: keep lines with a customer, not cancelled (invoice not
-- starting with 'C'), quantity > 0, and a product stock code (not POST, DOT,
-- M, m, C2, D, S, BANK CHARGES, AMAZONFEE, CRUK, PADS, B, DCGS*, gift_0001_*;
-- unlike product_sales, zero prices stay). A basket is (customer, invoice).
-- For each customer with at least 2 baskets, the last basket (latest
-- invoice date of its lines, then the greater invoice number) is held out;
-- everything else trains. A held-out customer's relevant items are those of
-- the last basket they had not bought before (2,498 customers have some).

DROP VIEW IF EXISTS rec_lines;
CREATE VIEW rec_lines AS
  SELECT customer_id, invoice_no, stock_code, quantity, invoice_date
  FROM purchases
  WHERE customer_id IS NOT NULL
    AND substr(invoice_no, 1, 1) <> 'C'
    AND quantity > 0
    AND stock_code NOT IN ('POST', 'DOT', 'M', 'm', 'C2', 'D', 'S', 'BANK CHARGES',
                           'AMAZONFEE', 'CRUK', 'PADS', 'B')
    AND substr(stock_code, 1, 4) <> 'DCGS'
    AND substr(stock_code, 1, 10) <> 'gift_0001_';

DROP TABLE IF EXISTS rec_last_basket;
CREATE TABLE rec_last_basket AS
  SELECT customer_id, invoice_no FROM (
    SELECT customer_id, invoice_no,
           row_number() OVER (PARTITION BY customer_id ORDER BY max(invoice_date) DESC, invoice_no DESC) AS k,
           count(*)     OVER (PARTITION BY customer_id) AS baskets
    FROM rec_lines GROUP BY customer_id, invoice_no)
  WHERE k = 1 AND baskets >= 2;
CREATE UNIQUE INDEX rec_last_basket_key ON rec_last_basket(customer_id, invoice_no);

DROP VIEW IF EXISTS rec_train;
CREATE VIEW rec_train AS
  SELECT customer_id, stock_code, quantity FROM rec_lines l
  WHERE NOT EXISTS (SELECT 1 FROM rec_last_basket h
                    WHERE h.customer_id = l.customer_id AND h.invoice_no = l.invoice_no);

DROP VIEW IF EXISTS rec_holdout;
CREATE VIEW rec_holdout AS
  SELECT customer_id, stock_code FROM rec_lines JOIN rec_last_basket USING (customer_id, invoice_no);

-- One description per product: its most frequent one.
DROP TABLE IF EXISTS products;
CREATE TABLE products AS
  SELECT stock_code, description FROM (
    SELECT stock_code, description,
           row_number() OVER (PARTITION BY stock_code ORDER BY count(*) DESC, description) AS k
    FROM purchases WHERE description <> '' GROUP BY stock_code, description)
  WHERE k = 1;

-- How good is each method on the held-out last baskets? (ALS: 64 factors,
-- regularization 0.01, alpha 40, 15 iterations on binarised purchases.)
CREATE TEMP TABLE rec_eval(method TEXT, metric TEXT, value REAL);
SELECT recommend_train('rec_als', 'rec_train', '{}') IS NOT NULL AS trained_als,
       recommend_train('rec_knn', 'rec_train', '{"method": "item_knn"}') IS NOT NULL AS trained_item_knn,
       recommend_train('rec_pop', 'rec_train', '{"method": "popular"}') IS NOT NULL AS trained_popular;
INSERT INTO rec_eval SELECT 'als', metric, value FROM recommend_eval('rec_als', 'rec_holdout', 10);
INSERT INTO rec_eval SELECT 'item_knn', metric, value FROM recommend_eval('rec_knn', 'rec_holdout', 10);
INSERT INTO rec_eval SELECT 'popular', metric, value FROM recommend_eval('rec_pop', 'rec_holdout', 10);
SELECT method,
       CAST(max(CASE metric WHEN 'users' THEN value END) AS INTEGER) AS customers,
       printf('%.4f', max(CASE metric WHEN 'precision@10' THEN value END)) AS p_at_10,
       printf('%.4f', max(CASE metric WHEN 'map@10' THEN value END))       AS map_at_10,
       printf('%.4f', max(CASE metric WHEN 'ndcg@10' THEN value END))      AS ndcg_at_10
FROM rec_eval GROUP BY method ORDER BY p_at_10 DESC;

-- Train on every purchase, then: the top 10 for one customer, with the
-- product names, and what goes with the most popular product.
SELECT json_extract(s, '$.users') AS customers, json_extract(s, '$.items') AS products,
       json_extract(s, '$.interactions') AS purchases
FROM (SELECT recommend_train('recs', 'SELECT customer_id, stock_code FROM rec_lines', '{}') AS s);

SELECT r.rank, r.item AS stock_code, p.description, printf('%.3f', r.score) AS score, r.reason
FROM recommend('recs', 17850, 10) r JOIN products p ON p.stock_code = r.item
ORDER BY r.rank;

WITH top_product AS (SELECT stock_code FROM rec_lines GROUP BY stock_code
                     ORDER BY count(DISTINCT customer_id) DESC, stock_code LIMIT 1)
SELECT q.description AS bought_with, s.rank, s.item AS stock_code, p.description,
       printf('%.3f', s.score) AS similarity
FROM top_product t
JOIN products q ON q.stock_code = t.stock_code,
     similar_items('recs', t.stock_code, 5) s
JOIN products p ON p.stock_code = s.item
ORDER BY s.rank;

-- Every customer's top 10 in one statement, for the BI tool.
DROP TABLE IF EXISTS customer_recommendations;
CREATE TABLE customer_recommendations AS
  SELECT c.customer_id, r.rank, r.item AS stock_code, r.score
  FROM (SELECT DISTINCT customer_id FROM rec_lines) c, recommend('recs', c.customer_id, 10) r;
SELECT count(DISTINCT customer_id) AS customers, count(*) AS recommendations FROM customer_recommendations;

.read examples/rfm.sql
-- marketsql demo: segment the Online Retail customers by recency, frequency
-- and monetary value (RFM), all in SQL. Run by `make demo` after importing
-- testdata/online-retail/online_retail.csv.gz as retail_raw.

SELECT count(*)                    AS customers,
       round(avg(recency), 1)      AS avg_recency_days,
       round(avg(frequency), 1)    AS avg_orders,
       round(avg(monetary), 2)     AS avg_spend
FROM customer_rfm;

-- How many segments? Fit k = 3..8 (fewer than three segments is rarely
-- actionable) and keep the k with the best silhouette. kmeans_select_k
-- keeps its latest rows in ml_evaluations, where the report draws them.
SELECT k, round(inertia, 1) AS inertia, round(silhouette, 3) AS silhouette,
       round(davies_bouldin, 3) AS davies_bouldin, round(calinski_harabasz, 1) AS calinski_harabasz
FROM kmeans_select_k('rfm_log', 3, 8, '{"n_init": 4}') ORDER BY k;
CREATE TEMP TABLE k_choice AS
  SELECT json_extract(r.value, '$.k') AS k, json_extract(r.value, '$.silhouette') AS silhouette
  FROM ml_evaluations e, json_each(e.result) r
  WHERE e.subject = 'rfm_log' AND e.function = 'kmeans_select_k';

-- Train the segmentation with the chosen k.
SELECT json_extract(s, '$.model') AS model, json_extract(s, '$.k') AS k,
       json_extract(s, '$.rows') AS customers, json_extract(s, '$.iterations') AS iterations,
       round(json_extract(s, '$.inertia'), 1) AS inertia,
       round(json_extract(s, '$.silhouette'), 3) AS silhouette
FROM (SELECT kmeans_train('segments', 'rfm_log',
        json_object('k', (SELECT k FROM k_choice ORDER BY silhouette DESC LIMIT 1), 'n_init', 10)) AS s);

-- What makes each segment different: z-scores of each feature's segment
-- mean against the overall mean (negative recency = bought recently).
SELECT cluster AS segment, size AS customers, printf('%.1f%%', 100 * share) AS share,
       printf('%+.2f', max(CASE feature WHEN 'log_recency'   THEN z END)) AS recency_z,
       printf('%+.2f', max(CASE feature WHEN 'log_frequency' THEN z END)) AS frequency_z,
       printf('%+.2f', max(CASE feature WHEN 'log_monetary'  THEN z END)) AS monetary_z
FROM kmeans_profile('segments')
GROUP BY cluster ORDER BY cluster;

-- The segments in business units, for the marketing team.
CREATE TABLE customer_segment AS
  SELECT customer_id, kmeans_assign('segments', log_recency, log_frequency, log_monetary) AS segment
  FROM rfm_log;
SELECT s.segment,
       count(*)                                 AS customers,
       round(avg(r.recency))                    AS avg_days_since_order,
       round(avg(r.frequency), 1)               AS avg_orders,
       printf('%,d', CAST(avg(r.monetary) AS INTEGER)) AS avg_spend,
       printf('%,d', CAST(sum(r.monetary) AS INTEGER)) AS total_spend,
       CASE
         WHEN avg(r.recency) <= 30 AND avg(r.frequency) >= 5 THEN 'loyal, active'
         WHEN avg(r.recency) <= 60                           THEN 'recent'
         WHEN avg(r.frequency) >= 3                          THEN 'lapsing regulars'
         ELSE 'dormant, low value'
       END                                      AS reading
FROM customer_segment s JOIN customer_rfm r USING (customer_id)
GROUP BY s.segment ORDER BY s.segment;

-- What customers buy into: topics in the descriptions of the products each
-- customer bought (LDA, 8 topics). Words in more than half of the customers'
-- baskets (red, heart, set, ...) say little and are pruned (max_df 0.5).
SELECT json_extract(s, '$.docs') AS customers, json_extract(s, '$.vocabulary') AS words,
       round(json_extract(s, '$.perplexity'), 1) AS perplexity,
       round(json_extract(s, '$.coherence.c_npmi'), 3) AS c_npmi
FROM (SELECT lda_train('interests',
        'SELECT customer_id, group_concat(description, ''. '')
           FROM (SELECT DISTINCT customer_id, description FROM product_sales) GROUP BY customer_id',
        '{"topics": 8, "passes": 5, "seed": 1}') AS s);
SELECT topic,
       printf('%.0f%%', 100 * json_extract((SELECT metrics FROM ml_models WHERE name = 'interests'),
                                           '$.topic_share[' || (topic - 1) || ']')) AS share,
       group_concat(word, ' ') AS top_words
FROM (SELECT topic, word FROM lda_topics('interests', 8) ORDER BY topic, rank)
GROUP BY topic ORDER BY topic;

-- The topics of a new basket.
SELECT topic, round(weight, 2) AS weight
FROM lda_infer('interests', 'JUMBO BAG PINK POLKADOT. LUNCH BAG SPACEBOY DESIGN. CHARLOTTE BAG SUKI DESIGN')
WHERE weight >= 0.1 ORDER BY weight DESC;

-- Who is worth what: RFM scores (1-5 quantiles of recency, frequency and
-- spend) and the segment names marketing teams use, straight from the
-- order lines (customer, date, amount, order).
CREATE TABLE customer_value_segment AS
  SELECT * FROM rfm('SELECT customer_id, invoice_date, quantity * unit_price, invoice_no FROM product_sales');
SELECT segment, count(*) AS customers, round(avg(recency_days)) AS avg_days_since_order,
       round(avg(frequency), 1) AS avg_orders, printf('%,d', CAST(sum(monetary) AS INTEGER)) AS total_spend
FROM customer_value_segment GROUP BY segment ORDER BY sum(monetary) DESC;

-- Lifetime value: BG/NBD for repeat purchases and Gamma-Gamma for spend,
-- fitted by maximum likelihood on the same order lines (in weeks; repeat_days
-- counts the days a customer came back).
SELECT json_extract(s, '$.customers') AS customers, json_extract(s, '$.repeat_customers') AS repeat_buyers,
       printf('r=%.3f alpha=%.2f a=%.4f b=%.2f', json_extract(s, '$.purchases.params.r'),
              json_extract(s, '$.purchases.params.alpha'), json_extract(s, '$.purchases.params.a'),
              json_extract(s, '$.purchases.params.b')) AS bgnbd,
       printf('p=%.2f q=%.2f v=%.1f', json_extract(s, '$.spend.params.p'), json_extract(s, '$.spend.params.q'),
              json_extract(s, '$.spend.params.v')) AS gamma_gamma
FROM (SELECT clv_train('value', 'SELECT customer_id, invoice_date, quantity * unit_price FROM product_sales', '{}') AS s);

-- The ten customers worth most over the next 12 months.
SELECT p.customer AS customer_id, v.segment, CAST(p.frequency AS INTEGER) AS repeat_days,
       round(p.p_alive, 3) AS p_alive, round(p.expected_purchases, 1) AS expected_orders,
       printf('%,d', CAST(p.clv AS INTEGER)) AS value_12_months
FROM clv_predict('value') p JOIN customer_value_segment v ON v.customer = p.customer
ORDER BY p.clv DESC LIMIT 10;

-- Customers who buy X also buy Y: association rules over the invoices
-- (FP-growth; an itemset counts when it is in at least 1% of the baskets).
SELECT json_extract(s, '$.baskets') AS baskets, json_extract(s, '$.items') AS products,
       json_extract(s, '$.itemsets') AS frequent_itemsets, json_extract(s, '$.rules') AS rules
FROM (SELECT assoc_train('basket_rules', 'SELECT invoice_no, stock_code FROM product_sales',
        '{"min_support": 0.01, "min_confidence": 0.5}') AS s);
CREATE TEMP VIEW product_name AS
  SELECT stock_code, min(description) AS description FROM product_sales GROUP BY stock_code;
SELECT r.rule,
       (SELECT group_concat(n.description, ' + ') FROM json_each(r.antecedent) j JOIN product_name n ON n.stock_code = j.value) AS who_buys,
       (SELECT group_concat(n.description, ' + ') FROM json_each(r.consequent) j JOIN product_name n ON n.stock_code = j.value) AS also_buys,
       printf('%.1f%%', 100 * r.support) AS baskets, round(r.confidence, 2) AS confidence, round(r.lift, 1) AS lift
FROM assoc_rules('basket_rules') r LIMIT 8;

-- At the checkout: what the rules suggest for a basket, and why.
SELECT a.rank, n.description AS suggest, round(a.confidence, 2) AS confidence, a.because AS rule
FROM assoc_recommend('basket_rules', '["22697", "22698"]', 3) a JOIN product_name n ON n.stock_code = a.item;

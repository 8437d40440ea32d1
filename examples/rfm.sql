-- Online Retail -> typed purchases -> RFM per customer, in plain SQL.
-- Expects the raw CSV imported as retail_raw (header names InvoiceNo,
-- StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
-- Country), with TEXT columns or the types .import infers: the casts below
-- give the same table either way. The cleaning rules follow the dataset's SOURCE.md:
-- rows without a customer, cancellations (invoices starting with 'C'),
-- returns and stock adjustments (quantity <= 0), free or bad-debt lines
-- (unit price <= 0) and non-product stock codes are left out.

DROP TABLE IF EXISTS purchases;
CREATE TABLE purchases AS
  SELECT InvoiceNo                                   AS invoice_no,
         StockCode                                   AS stock_code,
         trim(Description)                           AS description,
         CAST(Quantity AS INTEGER)                   AS quantity,
         InvoiceDate                                 AS invoice_date,
         CAST(UnitPrice AS REAL)                     AS unit_price,
         CAST(CAST(NULLIF(CustomerID, '') AS REAL) AS INTEGER) AS customer_id,
         Country                                     AS country
  FROM retail_raw;

DROP VIEW IF EXISTS product_sales;
CREATE VIEW product_sales AS
  SELECT * FROM purchases
  WHERE customer_id IS NOT NULL
    AND substr(invoice_no, 1, 1) <> 'C'
    AND quantity > 0
    AND unit_price > 0
    AND stock_code NOT IN ('POST', 'DOT', 'M', 'm', 'C2', 'D', 'S', 'BANK CHARGES',
                           'AMAZONFEE', 'CRUK', 'PADS', 'B')
    AND substr(stock_code, 1, 4) <> 'DCGS'
    AND substr(stock_code, 1, 10) <> 'gift_0001_';

-- Recency in whole days before 2011-12-10 (the day after the last invoice),
-- frequency in distinct invoices, monetary value in pounds.
DROP TABLE IF EXISTS customer_rfm;
CREATE TABLE customer_rfm AS
  SELECT customer_id,
         CAST(julianday('2011-12-10') - julianday(date(max(invoice_date))) AS INTEGER) AS recency,
         count(DISTINCT invoice_no)            AS frequency,
         round(sum(quantity * unit_price), 2)  AS monetary
  FROM product_sales
  GROUP BY customer_id;

-- RFM values are heavily right-skewed; segment on their logarithms.
DROP VIEW IF EXISTS rfm_log;
CREATE VIEW rfm_log AS
  SELECT customer_id,
         ln(recency)   AS log_recency,
         ln(frequency) AS log_frequency,
         ln(monetary)  AS log_monetary
  FROM customer_rfm;

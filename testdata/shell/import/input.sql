.import --csv ../testdata/shell/data/customers.csv customers
.schema customers
.mode box
select * from customers;
.mode list
-- column types are inferred; an empty number is NULL
select typeof(customer_id), typeof(spend) from customers limit 1;
select count(*) from customers where spend is null;
-- into an existing table every record is data, but a header repeating
-- the column names is skipped
.import --csv ../testdata/shell/data/customers.csv customers
select count(*) from customers;
select * from customers where customer_id = 'customer_id';
.import --csv --skip 1 ../testdata/shell/data/customers.csv customers
select count(*) from customers;
-- a gzip file is read transparently
.import ../testdata/shell/data/customers.csv.gz customers_gz
select count(*), sum(spend) from customers_gz;
.tables customers%

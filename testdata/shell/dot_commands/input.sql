.help
.mode
.mode table
.mode
.mode nope
.headers maybe
.headers
.frobnicate now
create table c_orders(x); create view c_view as select * from c_orders;
create table "c quoted name"(y);
create table c_a_very_long_table_name_to_fill_the_width(z);
create index c_orders_x on c_orders(x); -- shown by .schema c_orders
create table c_commented(a /* trailing comment */ -- here
);
.tables c%
.tables c_o%
.schema c_orders
.schema c?quoted*
.schema c_commented
.read ../testdata/shell/data/script.sql
.read ../testdata/shell/data/missing.sql
select 'still running';
.quit
select 'not reached after .quit';

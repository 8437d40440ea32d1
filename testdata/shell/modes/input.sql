-- every output mode on the same rows (the byte-for-byte comparison with
-- sqlite3 is TestCompareSQLite3; this pins our own output)
create table p(id INTEGER, name TEXT, price REAL, note TEXT);
insert into p values (1, 'Mug', 4.5, NULL), (2, 'T-light "holder"', 12.0, 'new, boxed'), (3, 'Ünïcode <b>', 0.1, 'two
lines');
.mode markdown
select * from p;
.mode line
select * from p where id < 3;
.mode html
.headers on
select id, name from p;
.headers off
.mode tabs
select * from p;
.mode insert products
select * from p;
.headers on
.mode insert
select id, name as "select" from p where id = 2;
.headers off
.mode quote
select * from p;
.nullvalue (null)
.mode list
.separator " ; " "|\n"
select * from p where id = 1;
.mode lines
select null as n;
.mode nonesuch
.mode insert t extra
.mode csv t

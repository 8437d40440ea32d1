.mode table
create table p(name TEXT, qty INTEGER, price REAL, note TEXT);
insert into p values ('apple', 3, 0.5, NULL), ('kiwi', 12, 10.25, 'two
lines'), ('ü tab	x', -1, 1e20, '');
select * from p;
select name, qty from p where qty > 0;
.headers off
select 'table mode always shows the header' as h;
.mode box
select * from p;
select 1 as a where 0;

-- default mode is list, no header; values by storage class
create table v(i INTEGER, r REAL, t TEXT, b BLOB, d DATE, flag BOOLEAN);
insert into v values (1, 0.1, 'plain', x'616263', '2011-12-01', 2);
insert into v values (NULL, 100.0, '', NULL, 'n/a', 0);
insert into v values (-9223372036854775808, 1e20, 'a|b', x'', 1323216000, NULL);
insert into v values (42, 1.5e-7, 'tab	and ü', x'00ff', 3.25, 1);
select * from v;
select 0.1+0.2, 1.0/3, 2.0/3, 1e15, 1e16, 123456789.125, -0.0, 9e999, -9e999, 1e308*10;
select typeof(d), typeof(flag) from v limit 1;
select 1 where 0;

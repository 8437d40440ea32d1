.mode json
create table j(id INTEGER, name TEXT, score REAL, raw BLOB);
insert into j values (1, 'Ann', 0.1, x'41'), (2, 'quote " back \ tab	nl
cr' || char(13) || ' ctl' || char(1), 100.0, NULL), (3, NULL, 1e20, x'00ff');
select * from j;
select 1e999 as inf, -1e999 as ninf, 1.5e-7 as small, 123456789012345678.0 as big, 0.0 as zero;
select * from j where 0;
select 'ünïcode' as "kéy";

.headers on
select 1 as a, 'x' as "b c";
select 2 as only_when_rows where 0;
create table t(n);
insert into t values(1),(2),(3);
select n, n*n as sq from t; select count(*) from t;
.headers off
select n from t where n > 1;

.echo on
select 1;
.echo off
.changes on
create table t(a, b);
insert into t values (1, 2), (3, 4);
update t set b = b + 1;
select count(*) from t;
.changes off
create index t_a on t(a);
create index t_b on t(b);
create table u(x);
create index u_x on u(x);
.indexes
.indexes t
.indexes nope
.databases
.once /dev/null
select 'not shown';
select 'shown again';
.nullvalue NULL
.headers on
.mode csv
.show
.bail maybe
.changes
.timer sometimes
.help mo
.help .ti
.help zzz

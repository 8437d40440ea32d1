create table t_memory(x);
.tables t%
.open $TMP/a.db
.tables t%
create table t_file(x); insert into t_file values (1), (2);
.databases
.open
.tables t%
.databases
.open --readonly $TMP/a.db
.tables t%
select count(*) from t_file;
insert into t_file values (3);
.databases
.open --bogus
.open $TMP/a.db $TMP/b.db
.open $TMP/no/such/dir/b.db
.databases
select 'still open';

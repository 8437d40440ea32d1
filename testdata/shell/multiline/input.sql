# a '#' line is a comment

   select
     1 +
     2 as three;   -- trailing comment
create table log(msg);
create table t(x);
create trigger tr after insert on t begin
  insert into log values ('inserted ' || new.x);
  insert into log values ('twice; with a semicolon');
end;
insert into t values (7);
select * from log;
select 'semicolon; in a string' ; select 'two on a line';
/* a block comment */ select 'after block comment';
select 'no trailing semicolon at end of input'

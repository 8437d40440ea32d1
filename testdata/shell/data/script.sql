select 40+2 as answer;
create table r(x);
insert into r values(1),(2);
select count(*) from r;
selec oops;
select sum(x) from r;

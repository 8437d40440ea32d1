select 1;
select * from nope;
select 'not reached';

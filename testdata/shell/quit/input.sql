select 'before';
.quit 7
select 'not reached';

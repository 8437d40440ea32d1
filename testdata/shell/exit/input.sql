select 'before';
.exit abc
.exit 1 2
.exit 3
select 'not reached';

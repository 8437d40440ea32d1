-- ".mode csv" ends rows with "\r\n", as sqlite3 does
.mode csv
select 1, 'a b', NULL;
.headers on
select 2 as x, 3 as y;
.mode

-- On a terminal 60 columns wide (config.txt) box and table output
-- right-align columns of numbers and cut wide columns with an ellipsis.
create table c(id INTEGER, customer TEXT, spend REAL, note TEXT);
insert into c values (1, 'Ann Lee', 77183.6, 'a very long note that would make the table wider than the terminal'),
 (22, 'Bob', NULL, 'short'), (333, 'Zoë Ng with a long name too', 1797.25, NULL);
.mode box
select * from c;
.mode table
select id, spend from c;
-- markdown is for copying: never cut
.mode markdown
select * from c where id = 22;
-- a single row (a training's summary) is wrapped, not cut
.mode box
select '{"model":"seg","k":50,"rows":200000,"skipped":0,"features":["a","b","c"],"iterations":77}' as summary;
select 'a rather long string literal that goes on and on, and on again' as first_column, 'another one to wrap' as second;

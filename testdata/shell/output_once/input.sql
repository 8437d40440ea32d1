.output $TMP/script.sql
select 'select ''written by .output'' as line;';
select 'select 6 * 7 as answer;';
.output stdout
select 'back on stdout';
.read $TMP/script.sql
.once $TMP/once.sql
select 'select ''written by .once'';';
select 'after .once: stdout again';
.read $TMP/once.sql
.output $TMP/script.sql
select 'overwritten';
.output
select 'after .output without a file: stdout again';
.once $TMP/once.sql
.output stdout
select '.output stdout ends a .once too';
.output $TMP/no/such/dir/out.txt
.once
.output a b
select 'still on stdout';

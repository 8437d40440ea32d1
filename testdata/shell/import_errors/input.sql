-- a short record: nothing imported, the new table is not created
.import --csv ../testdata/shell/data/short_row.csv short
.tables short%
create table existing(a, b, c, d);
.import --csv ../testdata/shell/data/short_row.csv existing
select count(*) from existing;
.import --csv ../testdata/shell/data/bad_quote.csv q
.import --csv ../testdata/shell/data/no_such_file.csv x
.import --csv
.import --nope ../testdata/shell/data/customers.csv x
.import --csv --skip lots ../testdata/shell/data/customers.csv x
.tables e%

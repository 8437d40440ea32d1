-- TSV by file name; the quotes of a TSV field are data
.import ../testdata/shell/data/plain.tsv t
.schema t
.mode quote
select * from t;
-- no header: the first record has numbers where the column has numbers;
-- leading zeros keep a column TEXT
.import ../testdata/shell/data/noheader.csv n
.schema n
select * from n;
-- numeric column names still make a header: "id" is text above numbers
.import --csv ../testdata/shell/data/year_header.csv y
.schema y
select * from y;
-- a header alone creates an empty TEXT table
.import ../testdata/shell/data/header_only.csv h
.schema h
select count(*) from h;
-- --skip, then TSV forced on a CSV file: one column
.import --tsv --skip 1 ../testdata/shell/data/year_header.csv one
.schema one
select * from one;
-- TSV chosen by the tabs output mode for a file with another extension
.mode tabs
.import ../testdata/shell/data/plain.txt t2
.schema t2

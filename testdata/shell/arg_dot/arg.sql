.import --csv ../testdata/shell/data/customers.csv.gz c

module github.com/seed-a084b42d/marketsql

go 1.26

require (
	github.com/clipperhouse/uax29/v2 v2.7.0
	github.com/go-ego/gse v0.80.3
	github.com/kljensen/snowball v0.10.0
	github.com/mattn/go-sqlite3 v1.14.53
	gonum.org/v1/gonum v0.17.0
)

require github.com/vcaesar/cedar v0.20.2 // indirect

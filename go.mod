module github.com/seed-a084b42d/marketsql

go 1.26

require (
	github.com/mattn/go-sqlite3 v1.14.53 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)

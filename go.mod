module github.com/seed-a084b42d/marketsql

go 1.26.0

require (
	github.com/clipperhouse/uax29/v2 v2.7.0
	github.com/creack/pty v1.1.24
	github.com/go-ego/gse v0.80.3
	github.com/kljensen/snowball v0.10.0
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/peterh/liner v1.2.3
	golang.org/x/sys v0.48.0
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/mattn/go-runewidth v0.0.31 // indirect
	github.com/vcaesar/cedar v0.20.2 // indirect
)

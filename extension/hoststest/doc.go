// Package hoststest holds the tests that run marketsql in more than one
// SQLite host: the stock sqlite3 CLI with the loadable extension
// (bin/marketsql.so) and the project's own shell (bin/marketsql, which
// embeds the engine), plus Python's sqlite3 module. It has no code of its
// own; the tests are
//
//   - hosts_test.go: examples/demo.sql and examples/recommend.sql print the
//     same and leave the same models in both hosts; opening a plain SQLite
//     file (with either host) changes none of its bytes;
//   - cases_test.go: the SQL behaviour cases of testdata/hosts, each run
//     unchanged in both hosts and compared with its want.txt (-update
//     rewrites them);
//   - interrupt_test.go: Ctrl-C in the stock sqlite3 on a pseudo-terminal,
//     and Python's Connection.interrupt, stop a long training promptly and
//     keep the previous model;
//   - python_test.go: Python threads, each with its own connection that
//     loads the extension, score and train at once with the results of one.
package hoststest

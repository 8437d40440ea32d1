// Command harness runs a SQL script through engine.Open, the way a Go program
// embeds marketsql, and prints a "Run Time: real R user U sys S" line after
// each statement, as the sqlite3 CLI's .timer does, so that bench/extension
// reads the three hosts' times with one parser. Statements end with a line
// ending in ';'; lines starting with '.' or "--" are skipped. Every
// statement runs on one connection (the per-connection model caches and
// SQLite's per-statement auxdata behave as in the shell) and its rows are
// read and discarded; with -print the first column of each row is printed.
//
//	go run ./bench/extension/harness -db t.db [-cpuprofile cpu.out] < script.sql
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
)

func main() {
	dbPath := flag.String("db", "", "database file")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole script to this file")
	print := flag.Bool("print", false, "print the first column of every row")
	flag.Parse()
	if *dbPath == "" {
		log.Fatal("harness: -db is required")
	}
	e, err := engine.Open(*dbPath, &engine.Options{MaxConns: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	conn, err := e.DB().Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	stmts, err := split(os.Stdin)
	if err != nil {
		log.Fatal(err)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, q := range stmts {
		u0, s0 := cpu()
		t0 := time.Now()
		first, err := run(ctx, conn, q)
		real := time.Since(t0).Seconds()
		u1, s1 := cpu()
		if err != nil {
			out.Flush()
			log.Fatalf("harness: %v\nin: %s", err, q)
		}
		if *print {
			for _, v := range first {
				fmt.Fprintln(out, v)
			}
		}
		fmt.Fprintf(out, "Run Time: real %.6f user %.6f sys %.6f\n", real, u1-u0, s1-s0)
	}
}

// run executes q and reads every row; it returns the first column's values.
func run(ctx context.Context, conn *sql.Conn, q string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var first []string
	if len(cols) == 0 {
		return nil, rows.Err()
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		first = append(first, fmt.Sprint(vals[0]))
	}
	return first, rows.Err()
}

// split reads statements: lines up to one that ends with ';'.
func split(f *os.File) ([]string, error) {
	var stmts []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		if cur.Len() == 0 && (t == "" || strings.HasPrefix(t, ".") || strings.HasPrefix(t, "--")) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			stmts = append(stmts, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		stmts = append(stmts, cur.String())
	}
	return stmts, sc.Err()
}

// cpu returns the process's user and system seconds so far.
func cpu() (user, sys float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6, float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6
}

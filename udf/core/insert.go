package core

import (
	"database/sql/driver"
	"fmt"
	"strings"
)

// insertBatch is how many rows one INSERT statement carries: fewer round
// trips through cgo than one statement per row, within SQLite's limit of
// 32766 bound parameters.
const insertBatch = 256

// InsertRows appends rows (each with ncol values) to table on c, a batch of
// rows per statement. check, if set, is polled between batches so a long
// write can be interrupted (the caller's savepoint then rolls it back).
func InsertRows(c *Conn, table string, ncol int, rows [][]driver.Value, check func() error) error {
	if len(rows) == 0 {
		return nil
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", ncol), ",") + ")"
	prepare := func(n int) (driver.Stmt, error) {
		q := "INSERT INTO " + QuoteIdent(table) + " VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
		return c.SQL.Prepare(q)
	}
	full, err := prepare(min(insertBatch, len(rows)))
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	defer full.Close()
	args := make([]driver.Value, 0, insertBatch*ncol)
	for start := 0; start < len(rows); start += insertBatch {
		end := min(start+insertBatch, len(rows))
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		st := full
		if end-start != insertBatch && end-start != len(rows) {
			if st, err = prepare(end - start); err != nil {
				return fmt.Errorf("insert into %s: %w", table, err)
			}
			defer st.Close()
		}
		if _, err := st.Exec(args); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		if check != nil && (start/insertBatch)%64 == 63 {
			if err := check(); err != nil {
				return err
			}
		}
	}
	return nil
}

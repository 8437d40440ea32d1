package core

import (
	"fmt"
	"strings"

	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

// TableFunc is a table-valued function: SELECT * FROM name(arg, ...). Its
// rows are computed by Run when the statement starts and then streamed.
type TableFunc struct {
	Columns []string // output columns with their declared types, e.g. "cluster INTEGER"
	Args    []string // argument names, in call order (hidden columns)
	MinArgs int      // the first MinArgs arguments are required
	// Run computes the rows for one call. args has len(Args) entries, nil
	// where an optional argument was not given.
	Run func(c *Conn, args []any) ([][]any, error)
}

// extraArgs is how many arguments past the last one a call may write and
// still get our message with the signature, rather than SQLite's
// "too many arguments on name() - max N".
const extraArgs = 4

// registerTable registers f on c's connection as an eponymous virtual table.
func registerTable(c *Conn, f *Function) error {
	t := f.Table
	args := append([]string(nil), t.Args...)
	for i := 1; i <= extraArgs; i++ {
		args = append(args, fmt.Sprintf("_extra_arg%d", i))
	}
	name, sig := f.Name, f.Signature
	sigArgs := signatureArgs(sig)
	return c.SQL.CreateTable(&sqlext.Table{
		Name: name, Columns: t.Columns, Args: args, Required: t.MinArgs,
		Rows: func(vals []any, given []bool) (rows [][]any, err error) {
			defer Recover(name, &err)
			for i := len(t.Args); i < len(given); i++ {
				if given[i] {
					return nil, Errorf(name, "takes at most %d argument(s); call it as %s", len(t.Args), sig)
				}
			}
			for i := 0; i < t.MinArgs; i++ {
				if !given[i] {
					arg := t.Args[i]
					if i < len(sigArgs) {
						arg = sigArgs[i]
					}
					return nil, Errorf(name, "missing argument %s; call it as %s", arg, sig)
				}
			}
			return t.Run(c, vals[:len(t.Args)])
		},
	})
}

// signatureArgs returns the argument names of a signature as users read it:
// "similar_items(model, item [, n])" gives model, item, n. (The hidden
// columns may be named otherwise, so as not to clash with output columns.)
func signatureArgs(sig string) []string {
	open, end := strings.IndexByte(sig, '('), strings.LastIndexByte(sig, ')')
	if open < 0 || end < open {
		return nil
	}
	var out []string
	for _, a := range strings.Split(sig[open+1:end], ",") {
		if a = strings.Trim(a, " []"); a != "" {
			out = append(out, a)
		}
	}
	return out
}

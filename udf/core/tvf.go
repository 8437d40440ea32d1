package core

import (
	"fmt"
	"strconv"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// TableFunc is a table-valued function: SELECT * FROM name(arg, ...). Its
// rows are computed by Run when SQLite calls Filter and then streamed.
type TableFunc struct {
	Doc     Doc
	Columns []string // output columns with their declared types, e.g. "cluster INTEGER"
	Args    []string // argument names, in call order (hidden columns)
	MinArgs int      // the first MinArgs arguments are required
	// Run computes the rows for one call. args has len(Args) entries, nil
	// where an optional argument was not given.
	Run func(c *Conn, args []any) ([][]any, error)
}

// RegisterTable registers t on c's connection as an eponymous virtual table.
func RegisterTable(c *Conn, t *TableFunc) error {
	t.Doc.Kind = "table"
	Describe(t.Doc)
	if err := c.SQL.CreateModule(t.Doc.Name, &tableModule{conn: c, fn: t}); err != nil {
		return fmt.Errorf("register %s: %w", t.Doc.Name, err)
	}
	return nil
}

type tableModule struct {
	conn *Conn
	fn   *TableFunc
}

func (m *tableModule) EponymousOnlyModule() {}

func (m *tableModule) Create(c *sqlite3.SQLiteConn, args []string) (sqlite3.VTab, error) {
	return m.Connect(c, args)
}

func (m *tableModule) Connect(c *sqlite3.SQLiteConn, args []string) (sqlite3.VTab, error) {
	cols := append([]string(nil), m.fn.Columns...)
	for _, a := range m.fn.Args {
		cols = append(cols, QuoteIdent(a)+" HIDDEN")
	}
	if err := c.DeclareVTab(fmt.Sprintf("CREATE TABLE x(%s)", strings.Join(cols, ", "))); err != nil {
		return nil, err
	}
	return &tableVTab{m: m}, nil
}

func (m *tableModule) DestroyModule() {}

type tableVTab struct{ m *tableModule }

func (v *tableVTab) BestIndex(cons []sqlite3.InfoConstraint, ob []sqlite3.InfoOrderBy) (res *sqlite3.IndexResult, err error) {
	defer Recover(v.m.fn.Doc.Name, &err)
	nOut := len(v.m.fn.Columns)
	used := make([]bool, len(cons))
	var order []string
	have := make([]bool, len(v.m.fn.Args))
	for i, c := range cons {
		arg := c.Column - nOut
		if arg < 0 || arg >= len(v.m.fn.Args) || c.Op != sqlite3.OpEQ {
			continue
		}
		if !c.Usable {
			// A plan without this argument's value cannot run: make it costly
			// so the planner picks the one where the argument is usable.
			if arg < v.m.fn.MinArgs {
				return &sqlite3.IndexResult{Used: used, EstimatedCost: 1e18, EstimatedRows: 1e9}, nil
			}
			continue
		}
		if have[arg] {
			continue
		}
		have[arg] = true
		used[i] = true
		order = append(order, strconv.Itoa(arg))
	}
	cost := 1e6
	for i := 0; i < v.m.fn.MinArgs; i++ {
		if !have[i] {
			cost = 1e18
		}
	}
	return &sqlite3.IndexResult{Used: used, IdxNum: 0, IdxStr: strings.Join(order, ","), EstimatedCost: cost, EstimatedRows: 1000}, nil
}

func (v *tableVTab) Disconnect() error { return nil }
func (v *tableVTab) Destroy() error    { return nil }
func (v *tableVTab) Open() (sqlite3.VTabCursor, error) {
	return &tableCursor{v: v}, nil
}

type tableCursor struct {
	v    *tableVTab
	rows [][]any
	pos  int
}

func (c *tableCursor) Close() error { return nil }

func (c *tableCursor) Filter(idxNum int, idxStr string, vals []any) (err error) {
	fn := c.v.m.fn
	defer Recover(fn.Doc.Name, &err)
	args := make([]any, len(fn.Args))
	given := make([]bool, len(fn.Args))
	if idxStr != "" {
		for i, s := range strings.Split(idxStr, ",") {
			a, _ := strconv.Atoi(s)
			if i < len(vals) {
				args[a] = vals[i]
				given[a] = true
			}
		}
	}
	for i := 0; i < fn.MinArgs; i++ {
		if !given[i] {
			return Errorf(fn.Doc.Name, "missing argument %s; call it as %s", fn.Args[i], fn.Doc.Signature)
		}
	}
	c.rows, err = fn.Run(c.v.m.conn, args)
	c.pos = 0
	return err
}

func (c *tableCursor) Next() error { c.pos++; return nil }
func (c *tableCursor) EOF() bool   { return c.pos >= len(c.rows) }

func (c *tableCursor) Column(ctx *sqlite3.SQLiteContext, col int) error {
	if col >= len(c.v.m.fn.Columns) {
		ctx.ResultNull() // hidden argument columns are not read back
		return nil
	}
	switch x := c.rows[c.pos][col].(type) {
	case nil:
		ctx.ResultNull()
	case int64:
		ctx.ResultInt64(x)
	case int:
		ctx.ResultInt64(int64(x))
	case float64:
		ctx.ResultDouble(x)
	case string:
		ctx.ResultText(x)
	case []byte:
		ctx.ResultBlob(x)
	case bool:
		ctx.ResultBool(x)
	default:
		ctx.ResultText(fmt.Sprint(x))
	}
	return nil
}

func (c *tableCursor) Rowid() (int64, error) { return int64(c.pos), nil }

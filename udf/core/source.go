package core

import (
	"database/sql/driver"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

var tableNameRE = regexp.MustCompile(`^(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_$]*)$`)

// SourceQuery turns a source argument into the query that reads it: a table
// or view name (optionally schema-qualified) becomes SELECT * FROM it; a
// SELECT, WITH or VALUES query is used as it is, once it is known to be a
// single statement.
func SourceQuery(fn string, src any) (string, error) {
	s, ok := src.(string)
	if !ok {
		return "", Errorf(fn, "source must be a table or view name or a SELECT query, got %s", describe(src))
	}
	s = strings.TrimSpace(s)
	if m := tableNameRE.FindStringSubmatch(s); m != nil {
		if m[1] != "" {
			return fmt.Sprintf("SELECT * FROM %s.%s", QuoteIdent(m[1]), QuoteIdent(m[2])), nil
		}
		return "SELECT * FROM " + QuoteIdent(m[2]), nil
	}
	body, err := SingleStatement(s)
	if err != nil {
		return "", Errorf(fn, "source: %v", err)
	}
	head := strings.ToUpper(firstWord(body))
	if head != "SELECT" && head != "WITH" && head != "VALUES" {
		return "", Errorf(fn, "source must be a table or view name or a query starting with SELECT, WITH or VALUES, got %q", abbreviate(s))
	}
	return body, nil
}

// QuoteIdent quotes an SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func abbreviate(s string) string { return text.Abbreviate(s, 60) }

// firstWord returns the first keyword of a statement, after comments.
func firstWord(s string) string {
	s = skipSpaceAndComments(s)
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	if end < 0 {
		return s
	}
	return s[:end]
}

func skipSpaceAndComments(s string) string {
	for {
		t := strings.TrimLeft(s, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(t, "--"):
			i := strings.IndexByte(t, '\n')
			if i < 0 {
				return ""
			}
			s = t[i+1:]
		case strings.HasPrefix(t, "/*"):
			i := strings.Index(t[2:], "*/")
			if i < 0 {
				return ""
			}
			s = t[2+i+2:]
		default:
			return t
		}
	}
}

// SingleStatement checks that s holds exactly one SQL statement (a trailing
// semicolon and comments are allowed) and returns it without the trailing
// semicolon. It understands SQLite's quoting: '...', "...", `...`, [...],
// -- and /* */ comments.
func SingleStatement(s string) (string, error) {
	end := -1 // index of the first top-level semicolon
	for i := 0; i < len(s) && end < 0; i++ {
		switch c := s[i]; c {
		case '\'', '"', '`':
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c { // doubled quote
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return "", fmt.Errorf("unterminated %c quote", c)
			}
			i = j
		case '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return "", fmt.Errorf("unterminated [ identifier")
			}
			i += j
		case '-':
			if i+1 < len(s) && s[i+1] == '-' {
				j := strings.IndexByte(s[i:], '\n')
				if j < 0 {
					i = len(s)
				} else {
					i += j
				}
			}
		case '/':
			if i+1 < len(s) && s[i+1] == '*' {
				j := strings.Index(s[i+2:], "*/")
				if j < 0 {
					i = len(s) // SQLite accepts an unterminated final comment
				} else {
					i += 2 + j + 1
				}
			}
		case ';':
			end = i
		}
	}
	if end < 0 {
		if strings.TrimSpace(skipSpaceAndComments(s)) == "" {
			return "", fmt.Errorf("empty query")
		}
		return s, nil
	}
	if rest := skipSpaceAndComments(s[end+1:]); strings.Trim(rest, "; \t\r\n") != "" {
		return "", fmt.Errorf("only one statement is allowed, found more after the first ';'")
	}
	if strings.TrimSpace(skipSpaceAndComments(s[:end])) == "" {
		return "", fmt.Errorf("empty query")
	}
	return s[:end], nil
}

// CheckReadOnly prepares query on c and fails unless it is read-only, so a
// source that would write is rejected before it runs.
func CheckReadOnly(c *sqlext.Conn, fn, query string) error {
	st, err := c.PrepareStmt(query)
	if err != nil {
		return Errorf(fn, "source query does not compile: %v", err)
	}
	defer st.Close()
	if !st.Readonly() {
		return Errorf(fn, "source must only read, but %q would change the database; pass a SELECT or a table name", abbreviate(query))
	}
	return nil
}

// OnNull says what to do with a row whose feature is NULL, text, NaN or Inf.
type OnNull int

const (
	NullError OnNull = iota // fail naming the row and column
	NullSkip                // leave the row out and count it
)

// MatrixSpec says how to read a numeric table.
type MatrixSpec struct {
	Function     string
	WeightColumn string // source column holding sample weights, "" for none
	OnNull       OnNull
	UniqueKeys   bool // duplicate keys are an error
}

// Matrix is a source read into memory: one key and d numeric features per row.
type Matrix struct {
	KeyColumn string
	Features  []string
	Keys      []any     // int64 or string, as stored
	X         []float64 // rows×len(Features), row-major
	Weights   []float64 // nil unless WeightColumn was set
	Skipped   int       // rows left out by OnNull: skip
}

// Rows returns the number of rows read.
func (m *Matrix) Rows() int { return len(m.Keys) }

// ReadMatrix runs a read-only query on c and reads its first column as row
// keys (INTEGER or TEXT) and its other columns as numeric features.
func (c *Conn) ReadMatrix(query string, spec MatrixSpec) (*Matrix, error) {
	fn := spec.Function
	m := &Matrix{}
	var (
		cols        []string
		weightCol   = -1
		featureCols []int
		seen        map[any]int
		row         []float64
	)
	columns := func(names []string) error {
		cols = names
		if len(cols) < 2 {
			return Errorf(fn, "source has %d column(s); it needs a key column first, then at least one numeric feature column", len(cols))
		}
		m.KeyColumn = cols[0]
		for i, name := range cols[1:] {
			if spec.WeightColumn != "" && strings.EqualFold(name, spec.WeightColumn) && weightCol < 0 {
				weightCol = i + 1
				continue
			}
			featureCols = append(featureCols, i+1)
			m.Features = append(m.Features, name)
		}
		seenName := map[string]string{}
		for _, name := range m.Features {
			if prev, dup := seenName[strings.ToLower(name)]; dup {
				return Errorf(fn, "the source has two feature columns named %q and %q; give them distinct names with AS", prev, name)
			}
			seenName[strings.ToLower(name)] = name
		}
		if spec.WeightColumn != "" && weightCol < 0 {
			return Errorf(fn, "option \"weight\" names column %q, which the source does not have; its columns are %s", spec.WeightColumn, strings.Join(cols, ", "))
		}
		if len(m.Features) == 0 {
			return Errorf(fn, "source has no feature columns besides the key %q and the weight", cols[0])
		}
		if weightCol >= 0 {
			m.Weights = []float64{}
		}
		if spec.UniqueKeys {
			seen = map[any]int{}
		}
		row = make([]float64, len(m.Features))
		return nil
	}
	each := func(n int, vals []driver.Value) error {
		key, problem := RowKey(vals[0])
		switch {
		case problem == "NULL":
			return Errorf(fn, "row %d: key column %q is NULL; every row needs a key", n, cols[0])
		case problem != "":
			return Errorf(fn, "row %d: key column %q is %s; keys must be INTEGER or TEXT", n, cols[0], problem)
		}
		bad := ""
		for j, ci := range featureCols {
			f, problem := numeric(vals[ci])
			if problem != "" {
				bad = fmt.Sprintf("row %d (%s=%s): column %q is %s", n, cols[0], keyText(key), cols[ci], problem)
				break
			}
			row[j] = f
		}
		w := 1.0
		if bad == "" && weightCol >= 0 {
			var problem string
			w, problem = numeric(vals[weightCol])
			if problem == "" && w < 0 {
				problem = fmt.Sprintf("negative (%g)", w)
			}
			if problem != "" {
				bad = fmt.Sprintf("row %d (%s=%s): weight column %q is %s", n, cols[0], keyText(key), cols[weightCol], problem)
			}
		}
		if bad != "" {
			if spec.OnNull == NullSkip {
				m.Skipped++
				return nil
			}
			return Errorf(fn, "%s; clean it or pass \"on_null\": \"skip\" to leave such rows out", bad)
		}
		if seen != nil {
			if first, dup := seen[key]; dup {
				return Errorf(fn, "rows %d and %d have the same key %s=%s; keys must be unique", first, n, cols[0], keyText(key))
			}
			seen[key] = n
		}
		m.Keys = append(m.Keys, key)
		m.X = append(m.X, row...)
		if weightCol >= 0 {
			m.Weights = append(m.Weights, w)
		}
		return nil
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		return nil, err
	}
	return m, nil
}

// RowKey converts the key of a source row as every reader does: INTEGER and
// TEXT are kept as they are (a BLOB reads as TEXT), a REAL without a
// fraction becomes INTEGER. problem is non-empty for anything else, worded to
// follow "is": "NULL", "REAL 2.5", "of unsupported type time.Time".
func RowKey(v driver.Value) (key any, problem string) {
	switch k := v.(type) {
	case int64:
		return k, ""
	case string:
		return k, ""
	case []byte:
		return string(k), ""
	case float64:
		if k == math.Trunc(k) && math.Abs(k) < 1<<53 {
			return int64(k), ""
		}
		return nil, fmt.Sprintf("REAL %g", k)
	case nil:
		return nil, "NULL"
	}
	return nil, fmt.Sprintf("of unsupported type %T", v)
}

// numeric converts a feature value; problem is non-empty when it is not a
// finite number.
func numeric(v driver.Value) (float64, string) {
	switch x := v.(type) {
	case int64:
		return float64(x), ""
	case float64:
		if math.IsNaN(x) {
			return 0, "NaN"
		}
		if math.IsInf(x, 0) {
			return 0, "infinite"
		}
		return x, ""
	case nil:
		return 0, "NULL"
	case string:
		return 0, fmt.Sprintf("TEXT %q, not a number", abbreviate(x))
	case []byte:
		return 0, "a BLOB, not a number"
	case bool:
		if x {
			return 1, ""
		}
		return 0, ""
	}
	return 0, fmt.Sprintf("of unsupported type %T", v)
}

func keyText(k any) string {
	if s, ok := k.(string); ok {
		return fmt.Sprintf("%q", text.Abbreviate(s, 40))
	}
	return fmt.Sprint(k)
}

// Number converts a SQL argument to float64: INTEGER and REAL are accepted;
// ok is false for NULL; anything else is an error naming the argument.
func Number(fn string, argName string, v any) (f float64, ok bool, err error) {
	switch x := v.(type) {
	case int64:
		return float64(x), true, nil
	case float64:
		return x, true, nil
	case nil:
		return 0, false, nil
	case []byte:
		if x == nil { // a nil []byte is NULL, as database/sql drivers pass it
			return 0, false, nil
		}
	}
	return 0, false, Errorf(fn, "argument %s must be a number, got %s", argName, describe(v))
}

// Text converts a SQL argument to a string.
func Text(fn, argName string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		if x != nil { // a nil []byte is NULL, as database/sql drivers pass it
			return string(x), nil
		}
	}
	return "", Errorf(fn, "argument %s must be text, got %s", argName, describe(v))
}

// Integer converts a SQL argument to an int64 (a REAL with no fraction is accepted).
func Integer(fn, argName string, v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), nil
		}
	}
	return 0, Errorf(fn, "argument %s must be an integer, got %s", argName, describe(v))
}

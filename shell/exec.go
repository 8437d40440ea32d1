package shell

import (
	"errors"
	"fmt"
	"strings"
)

// Phases of a failed statement, worded as sqlite3 words them.
const (
	phasePrepare = "in prepare"
	phaseStep    = "stepping"
	phaseOther   = ""
)

// execError is a failed statement: the phase, SQLite's message and result
// code, and for a prepare error the offending text with a marker.
type execError struct {
	phase   string
	msg     string
	code    int
	context string
}

// detail is the message as sqlite3 prints it after "Parse error near line
// N: ": the result code when it is more than a plain SQLITE_ERROR, then the
// context lines.
func (e *execError) detail() string {
	s := e.msg
	if e.code > 1 {
		s += fmt.Sprintf(" (%d)", e.code)
	}
	return s + e.context
}

// withDB runs f with the session connection's sqlite3 handle. While f runs,
// cancelling the shell's context or receiving from cfg.Interrupt
// interrupts the running statement.
func (s *Shell) withDB(f func(db dbHandle) error) error {
	if s.conn == nil {
		return errors.New("no database is open")
	}
	return s.conn.Raw(func(dc any) error {
		db, err := handleOf(dc)
		if err != nil {
			return err
		}
		done := make(chan struct{})
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			select {
			case <-s.ctx.Done():
				db.interrupt()
			case <-s.interrupt:
				s.interrupted.Store(true)
				db.interrupt()
			case <-done:
			}
		}()
		defer func() {
			close(done)
			<-watched // never let an interrupt outlive the borrowed handle
		}()
		return f(db)
	})
}

// execSQL runs every statement of text in turn, printing the rows of those
// that return columns, and stops at the first error.
func (s *Shell) execSQL(text string) *execError {
	var eerr *execError
	err := s.withDB(func(db dbHandle) error {
		eerr = s.execOn(db, text)
		return nil
	})
	if s.progress != nil {
		s.progress.clear()
	}
	if err != nil {
		return &execError{phase: phaseOther, msg: err.Error()}
	}
	return eerr
}

func (s *Shell) execOn(db dbHandle, text string) *execError {
	return eachStatement(db, text, s.runStmt)
}

// eachStatement prepares the statements of text one after the other, where
// sqlite3_prepare_v2's tail divides them, passes each to run and finalizes
// it; it stops at the first error. A NUL byte ends the text, as it ends
// SQLite's reading of it.
func eachStatement(db dbHandle, text string, run func(*stmt)) *execError {
	if i := strings.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	c := newCSQL(text)
	defer c.free()
	off := skipSpace(text, 0)
	for off < len(text) {
		st, next, err := db.prepare(c, off)
		if err != nil {
			e := err.(sqliteError)
			return &execError{phase: phasePrepare, msg: e.msg, code: e.code & 0xff,
				context: errorContext(text[off:], db.errorOffset())}
		}
		if st != nil {
			run(st)
			if rc := st.finalize(); rc != sqliteOK {
				return &execError{phase: phaseStep, msg: db.errmsg(), code: rc & 0xff}
			}
		}
		if next <= off {
			break // SQLite read nothing more: never loop in place
		}
		off = skipSpace(text, next)
	}
	return nil
}

// runStmt steps a statement to its end, printing its rows. Errors are
// reported by the finalize that follows.
func (s *Shell) runStmt(st *stmt) {
	ncol := st.columnCount()
	if ncol > 0 {
		s.lastQuery = st.sql()
	}
	rc := st.step()
	if rc != sqliteRow || ncol == 0 {
		for rc == sqliteRow {
			rc = st.step()
		}
		return
	}
	cols := make([]string, ncol)
	for i := range cols {
		cols[i] = st.columnName(i)
	}
	p := newPrinter(s.mode, s.printFormat(), s.out)
	p.begin(cols)
	vals := make([]value, ncol)
	_, buffers := p.(*tablePrinter) // keeps rows until the end, copied or not
	for rc == sqliteRow {
		if buffers {
			st.row(vals)
		} else {
			st.rowView(vals) // written out before the next step
		}
		p.row(vals)
		rc = st.step()
	}
	p.end()
}

// printFormat is the format for the current output: a file of .output or
// .once gets sqlite3's plain layout, whatever the terminal's width.
func (s *Shell) printFormat() format {
	f := s.format
	if s.outFile != nil {
		f.width = 0
	}
	return f
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// errorContext shows where a prepare error is, as sqlite3 does: up to 78
// bytes of the statement starting at most 50 bytes before the error, with
// whitespace shown as spaces, and a marker under the error. offset < 0
// means SQLite did not say where.
func errorContext(sql string, offset int) string {
	if offset < 0 || offset > len(sql) {
		return ""
	}
	for offset > 50 {
		offset--
		sql = sql[1:]
		for len(sql) > 0 && sql[0]&0xc0 == 0x80 {
			sql = sql[1:]
			offset--
		}
	}
	n := len(sql)
	if n > 78 {
		n = 78
		for n > 0 && sql[n]&0xc0 == 0x80 {
			n--
		}
	}
	code := []byte(sql[:n])
	for i, c := range code {
		if isSpace(c) {
			code[i] = ' '
		}
	}
	if offset < 25 {
		return "\n  " + string(code) + "\n  " + strings.Repeat(" ", offset) + "^--- error here"
	}
	return "\n  " + string(code) + "\n  " + strings.Repeat(" ", offset-14) + "error here ---^"
}

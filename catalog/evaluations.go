package catalog

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Evaluation is one row of ml_evaluations: the latest result of an
// evaluation function on one subject, kept so that a report can show it
// later. There is one row per subject and function.
type Evaluation struct {
	Subject   string // a model name, or a source as given (trimmed)
	Function  string // the SQL function, e.g. "recommend_eval"
	Args      string // JSON object: the call's other arguments
	Result    string // JSON: what the function returned
	CreatedAt time.Time
}

// sourceSubjects are the evaluation functions whose subject is a source (a
// table name or a query), not a model: Drop leaves their rows alone, even
// when a source has the dropped model's name. Every other function's rows
// belong to the model they name.
var sourceSubjects = []string{"kmeans_select_k"}

// PutEvaluation records e, replacing the earlier result of e.Function on
// e.Subject. It creates the catalog on a database without one, or migrates
// an older one, in the same savepoint as the write, as a first training
// does. On a read-only database it returns ErrReadOnly and writes nothing.
//
// Inside a statement that itself writes (INSERT ... SELECT, CREATE TABLE
// ... AS), where SQLite opens no savepoint, it writes with one INSERT OR
// REPLACE, which is atomic on its own and belongs to that statement (a
// statement that fails takes it back), when the catalog is already at
// SchemaVersion with ml_evaluations; a catalog that is missing or needs an
// upgrade cannot be made there, and it returns ErrInWriteStatement and
// writes nothing.
func PutEvaluation(c Conn, e *Evaluation) error {
	insert := func() error {
		_, err := c.Exec(`INSERT OR REPLACE INTO ml_evaluations(subject, function, args, result, created_at) VALUES (?, ?, ?, ?, ?)`,
			[]driver.Value{e.Subject, e.Function, e.Args, e.Result, e.CreatedAt.UTC().Format(timeLayout)})
		return err
	}
	err := InTx(c, "ml_evaluation", func() error {
		if err := Migrate(c); err != nil {
			return err
		}
		return insert()
	})
	if errors.Is(err, ErrInWriteStatement) {
		err = putInWriteStatement(c, insert)
	}
	if resultCode(err) == codeReadOnly {
		return ErrReadOnly
	}
	if err != nil {
		return fmt.Errorf("record %s of %q: %w", e.Function, e.Subject, err)
	}
	return nil
}

// putInWriteStatement runs insert, one statement and no DDL, when the
// catalog needs neither creating nor migrating; ErrInWriteStatement when
// it does.
func putInWriteStatement(c Conn, insert func() error) error {
	v, err := schemaVersion(c)
	if err != nil {
		return err
	}
	if v != SchemaVersion {
		return ErrInWriteStatement
	}
	if ok, err := hasTable(c, "ml_evaluations"); err != nil {
		return err
	} else if !ok {
		return ErrInWriteStatement
	}
	return insert()
}

// GetEvaluation returns the recorded result of function on subject; found
// is false when there is none (or no ml_evaluations table).
func GetEvaluation(c Conn, subject, function string) (e *Evaluation, found bool, err error) {
	if ok, err := hasTable(c, "ml_evaluations"); err != nil || !ok {
		return nil, false, err
	}
	e = &Evaluation{}
	var created string
	found, err = queryRow(c, `SELECT subject, function, args, result, created_at FROM ml_evaluations WHERE subject = ? AND function = ?`,
		[]driver.Value{subject, function}, &e.Subject, &e.Function, &e.Args, &e.Result, &created)
	if err != nil || !found {
		return nil, false, err
	}
	e.CreatedAt, _ = time.Parse(timeLayout, created)
	return e, true, nil
}

// deleteEvaluations deletes the evaluations of the model called name, for
// Drop. A catalog older than version 3 has none.
func deleteEvaluations(c Conn, name string) error {
	ok, err := hasTable(c, "ml_evaluations")
	if err != nil || !ok {
		return err
	}
	q := `DELETE FROM ml_evaluations WHERE subject = ?`
	args := []driver.Value{name}
	for _, f := range sourceSubjects {
		q += ` AND function <> ?`
		args = append(args, f)
	}
	if _, err := c.Exec(q, args); err != nil {
		return fmt.Errorf("delete the evaluations of %q: %w", name, err)
	}
	return nil
}

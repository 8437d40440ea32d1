package core

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
)

// scanPoll is how many source rows are read between two checks for an
// interrupt (a check costs about a microsecond).
const scanPoll = 4096

// ScanSource is how every training function reads its source: query is
// checked to only read, run on c with writing functions refused inside it,
// columns receives its column names, and each is called for every row (n
// from 1), with interrupts polled as rows are read. An error from either
// callback stops the scan and is returned as it is.
func (c *Conn) ScanSource(fn, query string, columns func(cols []string) error, each func(n int, vals []driver.Value) error) error {
	if err := CheckReadOnly(c.SQL, fn, query); err != nil {
		return err
	}
	defer c.beginRead()()
	rows, err := c.SQL.Query(query, nil)
	if err != nil {
		return Errorf(fn, "read source: %w", err)
	}
	defer rows.Close()
	cols := rows.Columns()
	if err := columns(cols); err != nil {
		return err
	}
	vals := make([]driver.Value, len(cols))
	for n := 1; ; n++ {
		if n%scanPoll == 0 {
			if err := c.Check(); err != nil {
				return Errorf(fn, "reading the source: %w", err)
			}
		}
		if err := rows.Next(vals); err != nil {
			if err == io.EOF {
				return nil
			}
			return Errorf(fn, "read source row %d: %w", n, err)
		}
		if err := each(n, vals); err != nil {
			return err
		}
	}
}

// Stopped reports whether err is an interrupt or a cancelled or expired
// context.
func Stopped(err error) bool {
	return errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// TrainError is the error a training function returns: err prefixed with the
// function name, or, for a call stopped by an interrupt or its context,
// "fn: interrupted" (or "deadline exceeded") and, when storesModel, that the
// previous model is unchanged. It still unwraps to the cause.
func TrainError(fn string, err error, storesModel bool) error {
	if !Stopped(err) {
		return Errorf(fn, "%w", err)
	}
	msg := fn + ": interrupted"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fn + ": deadline exceeded"
	}
	if storesModel {
		msg += "; the previous model, if any, is unchanged"
	}
	return &stopError{msg: msg, err: err}
}

// stopError reads cleanly while errors.Is still finds the cause.
type stopError struct {
	msg string
	err error
}

func (e *stopError) Error() string { return e.msg }
func (e *stopError) Unwrap() error { return e.err }

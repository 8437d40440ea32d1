package clvfn

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
)

// Dates of order rows. Everything here works in calendar days (UTC): a
// date is read to the day it falls on, the time of day is dropped after
// any time zone offset is applied, as SQLite's date() does.
//
// Accepted values:
//   - TEXT 'YYYY-MM-DD', optionally followed by a time 'HH:MM', 'HH:MM:SS'
//     or 'HH:MM:SS.SSS' after a space or a T, and then by Z or an offset
//     ±HH:MM (SQLite's date and time formats 1 to 7); surrounding spaces
//     are ignored. The date must exist (2023-02-30 does not).
//   - TEXT or INTEGER 'YYYYMMDD' (8 digits, the CDNOW files' dates).
//   - a number from 1721059.5 (0000-01-01) to 5373484.5: a Julian day
//     number, what SQLite's julianday() returns;
//   - a number from 100000000 (1973-03-03) to 253402300799: unix seconds,
//     what strftime('%s', ...) and unixepoch() return.
//
// A number written as TEXT is read as the number. Anything else is an
// error naming the row and these formats.

// acceptedDates lists the accepted formats for error messages.
const acceptedDates = "'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.SSS]]' (or with a T, and Z or ±HH:MM after), 'YYYYMMDD', a Julian day number (julianday()) or unix seconds (unixepoch())"

const (
	secondsPerDay = 86400
	julianEpoch   = 2440587.5 // Julian day of 1970-01-01 00:00 UTC
	maxJulian     = 5373484.5 // 10000-01-01 00:00, SQLite's limit
	minUnix       = 100000000
	maxUnix       = 253402300799 // 9999-12-31 23:59:59
)

// parseDate returns the day (days since 1970-01-01) of a date value;
// problem, worded to follow "is", is non-empty when v is not a date.
func parseDate(v driver.Value) (day int64, problem string) {
	switch x := v.(type) {
	case int64:
		return numberDay(float64(x), true)
	case float64:
		return numberDay(x, x == math.Trunc(x))
	case string:
		return textDay(x)
	case []byte:
		return textDay(string(x))
	case time.Time:
		return floorDiv(x.Unix(), secondsPerDay), ""
	case nil:
		return 0, "NULL"
	}
	return 0, fmt.Sprintf("of unsupported type %T", v)
}

func numberDay(f float64, whole bool) (int64, string) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Sprintf("REAL %g, not a date", f)
	case f >= 0 && f < maxJulian:
		if d := int64(math.Floor(f - julianEpoch)); d >= minDay {
			return d, ""
		}
	case f >= minUnix && f <= maxUnix:
		return floorDiv(int64(math.Floor(f)), secondsPerDay), ""
	case whole && f >= 10000101 && f <= 99991231:
		n := int64(f)
		if d, ok := civilDay(n/10000, n/100%100, n%100); ok {
			return d, ""
		}
	}
	return 0, fmt.Sprintf("the number %s, not a date", strconv.FormatFloat(f, 'g', -1, 64))
}

func textDay(s string) (int64, string) {
	t := strings.TrimSpace(s)
	if d, ok := isoDay(t); ok {
		return d, ""
	}
	if len(t) == 8 && allDigits(t) {
		n, _ := strconv.ParseInt(t, 10, 64)
		if d, ok := civilDay(n/10000, n/100%100, n%100); ok {
			return d, ""
		}
	} else if f, err := strconv.ParseFloat(t, 64); err == nil && t != "" && (t[0] >= '0' && t[0] <= '9' || t[0] == '.') {
		if d, problem := numberDay(f, f == math.Trunc(f)); problem == "" {
			return d, ""
		}
	}
	return 0, fmt.Sprintf("TEXT %s, not a date", text.Quote(s, 40))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digits reads n digits at s[i:]; ok is false when they are not there.
func digits(s string, i, n int) (int64, bool) {
	if i+n > len(s) {
		return 0, false
	}
	var v int64
	for k := i; k < i+n; k++ {
		if s[k] < '0' || s[k] > '9' {
			return 0, false
		}
		v = v*10 + int64(s[k]-'0')
	}
	return v, true
}

// isoDay parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.S+]]][ ][Z|±HH:MM]'.
func isoDay(s string) (int64, bool) {
	y, ok1 := digits(s, 0, 4)
	m, ok2 := digits(s, 5, 2)
	d, ok3 := digits(s, 8, 2)
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	day, ok := civilDay(y, m, d)
	if !ok {
		return 0, false
	}
	rest := s[10:]
	if rest == "" {
		return day, true
	}
	if rest[0] != ' ' && rest[0] != 'T' {
		return 0, false
	}
	rest = rest[1:]
	hh, ok1 := digits(rest, 0, 2)
	mm, ok2 := digits(rest, 3, 2)
	if !ok1 || !ok2 || rest[2] != ':' || hh > 23 || mm > 59 {
		return 0, false
	}
	secs := hh*3600 + mm*60
	rest = rest[5:]
	if len(rest) > 0 && rest[0] == ':' {
		ss, ok := digits(rest, 1, 2)
		if !ok || ss > 59 {
			return 0, false
		}
		secs += ss
		rest = rest[3:]
		if len(rest) > 0 && rest[0] == '.' {
			k := 1
			for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
				k++
			}
			if k == 1 {
				return 0, false
			}
			rest = rest[k:]
		}
	}
	rest = strings.TrimLeft(rest, " ")
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest, 1, 2)
		om, ok2 := digits(rest, 4, 2)
		if !ok1 || !ok2 || oh > 14 || om > 59 {
			return 0, false
		}
		off := oh*3600 + om*60
		if rest[0] == '+' {
			secs -= off // local time ahead of UTC: UTC is earlier
		} else {
			secs += off
		}
	default:
		return 0, false
	}
	day += floorDiv(secs, secondsPerDay)
	if day < minDay || day > maxDay {
		return 0, false // an offset moved it out of years 0000..9999
	}
	return day, true
}

// The first and last day of the years 0000 to 9999.
var (
	minDay, _ = civilDay(0, 1, 1)
	maxDay, _ = civilDay(9999, 12, 31)
)

// civilDay returns the days since 1970-01-01 of a date of the proleptic
// Gregorian calendar; ok is false when the date does not exist.
func civilDay(y, m, d int64) (int64, bool) {
	if y < 0 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	// Howard Hinnant's days_from_civil.
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468, true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// dayText formats a day as 'YYYY-MM-DD'.
func dayText(day int64) string {
	return time.Unix(day*secondsPerDay, 0).UTC().Format("2006-01-02")
}

// parseDateOption reads a date option such as "as_of".
func parseDateOption(fn, key string, s string) (int64, error) {
	d, problem := textDay(s)
	if problem != "" {
		return 0, fmt.Errorf("%s: option %q must be a date such as \"2011-12-10\" (%s), got %s", fn, key, acceptedDates, text.Quote(s, 40))
	}
	return d, nil
}

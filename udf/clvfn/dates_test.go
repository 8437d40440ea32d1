package clvfn

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	day := func(s string) int64 {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix() / 86400
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{"2011-12-09", "2011-12-09"},
		{"2010-12-01 08:26:00", "2010-12-01"},
		{"2010-12-01 08:26", "2010-12-01"},
		{"2010-12-01T23:59:59.999", "2010-12-01"},
		{" 2010-12-01T08:26:00Z ", "2010-12-01"},
		{"2010-12-01 23:30:00-02:00", "2010-12-02"},
		{"2010-12-01 01:30:00+02:00", "2010-11-30"},
		{"2010-12-01 01:30 +02:00", "2010-11-30"},
		{"19970101", "1997-01-01"},
		{int64(19970101), "1997-01-01"},
		{float64(19970101), "1997-01-01"},
		{2455562.5, "2011-01-01"},  // julianday('2011-01-01')
		{2455563.25, "2011-01-01"}, // 18:00
		{int64(1293840000), "2011-01-01"},
		{"1293843600", "2011-01-01"},
		{"2455562.5", "2011-01-01"},
		{"1969-12-31 23:59:59", "1969-12-31"},
		{"2000-02-29", "2000-02-29"},
	} {
		got, problem := parseDate(c.v)
		if problem != "" {
			t.Errorf("parseDate(%#v): %s", c.v, problem)
			continue
		}
		if got != day(c.want) {
			t.Errorf("parseDate(%#v) = %s, want %s", c.v, dayText(got), c.want)
		}
	}
	for _, v := range []any{"", "12/01/2010", "2010-12-1", "2010-13-01", "2023-02-29", "1900-02-29", "2010-12-01 25:00",
		"2010-12-01 08:26:00 GMT", "2010-12-01x", "2010-12-01 08", "2010-12-01T08:26:00.", "-5", "now",
		int64(-1), int64(20231301), 6e6, 19970101.5, float64(1e13), nil, []byte("x"), true} {
		if d, problem := parseDate(v); problem == "" {
			t.Errorf("parseDate(%#v) = %s, want an error", v, dayText(d))
		}
	}
}

// FuzzParseDate: no input panics, and a day that parses is written back
// as 'YYYY-MM-DD' text that parses to the same day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2011-12-09", "2010-12-01 08:26:00", "2010-12-01T08:26:00.123+05:30", "19970101",
		"2455561.5", "1293840000", "2010-02-30", " 2010-12-01 ", "9999-12-31 23:59:59-14:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, problem := parseDate(s)
		if problem != "" {
			return
		}
		back := dayText(d)
		if d2, p2 := parseDate(back); p2 != "" || d2 != d {
			t.Fatalf("%q -> day %d -> %q -> %d (%s)", s, d, back, d2, p2)
		}
		if d3, _ := parseDate([]byte(s)); d3 != d {
			t.Fatalf("%q: text and blob differ", s)
		}
	})
}

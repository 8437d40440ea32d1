package shell

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// compareScript holds the queries whose output must be byte for byte what
// the stock sqlite3 CLI prints.
func compareScript() string {
	var b strings.Builder
	b.WriteString(`create table v(i INTEGER, r REAL, t TEXT, b BLOB, d DATE);
insert into v values (1, 0.1, 'plain', x'616263', '2011-12-01');
insert into v values (NULL, 100.0, '', NULL, 'n/a');
insert into v values (-9223372036854775808, 1e20, 'a,b "q" it''s', x'', 1323216000);
insert into v values (42, 1.5e-7, 'tab	nl
ü ctl' || char(1) || char(127), x'41', 3.25);
select * from v;
select i, r from v where i > 100;
select 0.1+0.2, 1.0/3, 2.0/3, 1e15, 1e16, 123456789.125, -0.0, 9e999, -9e999, 123456789012345678.0;
select 'x' as "a,b", 'y' as "c ""d""", 'z' as "";
select count(*), sum(r), avg(i), max(t) from v;
select 'a\nb' || char(10) || 'c' || char(13) || 'd''e' as "x y", x'00ff10' as "select", 1e300*1e10 as _ok, -1e300*1e10, 5.0 as "é", -0.0, 1 as "";
select '<&>"''' as h, 'line1
line2' as multi, NULL as n;
select 1 as id where 0;
`)
	// Reals of many magnitudes, as SQLite 3.40 formats them. (Below about
	// 1e-290 the 20-digit JSON form can differ in its last digits.)
	rng := rand.New(rand.NewPCG(7, 11))
	for range 300 {
		f := (rng.Float64() - 0.3) * math.Pow(10, float64(rng.IntN(80)-40))
		fmt.Fprintf(&b, "select %s as r, %d as i;\n", strconv.FormatFloat(f, 'e', -1, 64), rng.Int64()-rng.Int64())
	}
	return b.String()
}

// TestCompareSQLite3 runs the same script through Run and through
// /usr/bin/sqlite3 (any sqlite3 on PATH; expected: 3.40.1) in each mode.
func TestCompareSQLite3(t *testing.T) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 CLI not on PATH: skipping the byte-for-byte comparison")
	}
	script := compareScript()
	for _, tc := range []struct {
		flags  []string
		mode   Mode
		header bool
		prefix string // dot-commands run first on both sides
	}{
		{flags: []string{"-csv"}, mode: ModeCSV},
		{flags: []string{"-csv", "-header"}, mode: ModeCSV, header: true},
		{flags: []string{"-json"}, mode: ModeJSON},
		{flags: []string{"-list"}, mode: ModeList},
		{flags: []string{"-list", "-header"}, mode: ModeList, header: true},
		{flags: []string{"-table"}, mode: ModeTable},
		{flags: []string{"-box"}, mode: ModeBox},
		{flags: []string{"-markdown"}, mode: ModeMarkdown},
		{flags: []string{"-line"}, mode: ModeLine},
		{flags: []string{"-html"}, mode: ModeHTML},
		{flags: []string{"-html", "-header"}, mode: ModeHTML, header: true},
		{flags: []string{"-tabs"}, mode: ModeTabs},
		{flags: []string{"-tabs", "-header"}, mode: ModeTabs, header: true},
		{flags: []string{"-quote", "-header"}, mode: ModeQuote, header: true},
		// sqlite3 3.40 has no -insert flag: .mode insert on both sides.
		{flags: []string{"-list"}, mode: ModeList, prefix: ".mode insert\n"},
		{flags: []string{"-list", "-header"}, mode: ModeList, header: true, prefix: ".mode insert \"my tab\"\n"},
		{flags: []string{"-list"}, mode: ModeList, prefix: ".mode csv\n.nullvalue NULL\n"},
		{flags: []string{"-list"}, mode: ModeList, prefix: ".separator ; ~\n"},
	} {
		name := strings.Join(tc.flags, "") + strings.NewReplacer("\n", "", " ", "_", "\"", "").Replace(tc.prefix)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := tc.prefix + script
			cmd := exec.Command(sqlite3, append(tc.flags, ":memory:")...)
			cmd.Stdin = strings.NewReader(in)
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("sqlite3 %v: %v", tc.flags, err)
			}
			var got, stderr bytes.Buffer
			cfg := Config{Mode: tc.mode, Header: tc.header}
			if err := Run(context.Background(), cfg, strings.NewReader(in), &got, &stderr); err != nil {
				t.Fatalf("Run: %v\n%s", err, stderr.String())
			}
			if !bytes.Equal(got.Bytes(), want) {
				gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("line %d differs from sqlite3 %v %q:\n got: %q\nwant: %q", i+1, tc.flags, tc.prefix, gl[i], wl[i])
					}
				}
				t.Fatalf("output has %d lines, sqlite3 %v %q printed %d", len(gl), tc.flags, tc.prefix, len(wl))
			}
		})
	}
}

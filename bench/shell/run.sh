#!/usr/bin/env bash
# marketsql's shell side by side with the stock sqlite3 CLI on the same files
# (make bench-shell): printing 500k rows in csv mode, and importing 500k CSV
# rows with .import into a new table. Prints a Markdown table with the
# median wall and CPU time of each side and the ratios marketsql / sqlite3.
#
# Environment:
#   ROWS       rows to print and import (default 500000)
#   REPS       timed runs per side, alternating sides (default 5)
#   BENCH_OUT  data directory (default: $TMPDIR/marketsql-bench-shell)
#   MARKETSQL  the marketsql binary (default: bin/marketsql, built by make)
#   SQLITE3    the sqlite3 CLI (default: sqlite3 on PATH)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROWS=${ROWS:-500000}
REPS=${REPS:-5}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/marketsql-bench-shell}
MS=${MARKETSQL:-$ROOT/bin/marketsql}
SQ=${SQLITE3:-$(command -v sqlite3 || true)}
[[ -x $MS ]] || { echo "bench-shell: $MS is missing: run make build" >&2; exit 1; }
[[ -n $SQ ]] || { echo "bench-shell: the sqlite3 CLI is missing (apt-get install sqlite3)" >&2; exit 1; }
mkdir -p "$OUT"
cd "$OUT"

# Invoice-like rows: integers, text with commas and quotes, dates, decimals.
CSV=rows_$ROWS.csv
if [[ ! -s $CSV ]]; then
	awk -v n="$ROWS" 'BEGIN {
		print "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country"
		for (i = 0; i < n; i++)
			printf "%d,%d,\"WHITE HANGING HEART, T-LIGHT \"\"%d\"\"\",%d,2010-12-%02d %02d:%02d,%d.%02d,%d,%s\n",
				536365 + int(i / 7), 85123 + i % 97, i % 13, i % 12 + 1, 1 + i % 28, i % 24, i % 60,
				i % 9, i % 100, 12346 + i % 4372, (i % 5 ? "United Kingdom" : "France")
	}' >"$CSV"
fi

# t CMD...: "wall cpu" seconds of one run (cpu = user + sys), output discarded.
t() {
	local TIMEFORMAT='%R %U %S' r
	r=$({ time "$@" >/dev/null 2>/dev/null; } 2>&1)
	awk '{ printf "%s %.3f\n", $1, $2 + $3 }' <<<"$r"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A wall cpu
run_pair() { # name, then a function taking the side
	local name=$1 fn=$2 w c
	for ((r = 0; r < REPS; r++)); do
		for side in sqlite3 marketsql; do
			read -r w c <<<"$($fn $side)"
			wall[$name,$side]+="$w "
			cpu[$name,$side]+="$c "
		done
	done
}

import_one() {
	local db=import_$1.db bin=$SQ
	[[ $1 == marketsql ]] && bin=$MS
	rm -f "$db" "$db-wal" "$db-shm"
	t "$bin" "$db" ".import --csv $CSV t"
}

# One file for printing, written by sqlite3; both sides read it.
PRINTDB=print.db
if [[ ! -s $PRINTDB ]]; then
	rm -f $PRINTDB
	"$SQ" $PRINTDB ".import --csv $CSV t"
fi
# marketsql opens files in WAL mode with its catalog: do that once, untimed.
"$MS" $PRINTDB "select 1" >/dev/null
print_one() {
	local bin=$SQ
	[[ $1 == marketsql ]] && bin=$MS
	t "$bin" -csv $PRINTDB "select * from t"
}

# Same output, byte for byte, before timing it.
if ! cmp -s <("$SQ" -csv $PRINTDB "select * from t") <("$MS" -csv $PRINTDB "select * from t"); then
	echo "bench-shell: csv output differs from sqlite3's" >&2
	exit 1
fi
n_sq=$("$SQ" import_check.db ".import --csv $CSV t" "select count(*) from t"; rm -f import_check.db*)
n_ms=$("$MS" import_check.db ".import --csv $CSV t" "select count(*) from t"; rm -f import_check.db*)
[[ $n_sq == "$n_ms" ]] || { echo "bench-shell: imported $n_ms rows, sqlite3 $n_sq" >&2; exit 1; }

run_pair print print_one
run_pair import import_one

echo "marketsql shell vs sqlite3 $("$SQ" -version | cut -d' ' -f1), $ROWS rows, median of $REPS runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| task | sqlite3 wall (s) | marketsql wall (s) | wall ratio | sqlite3 CPU (s) | marketsql CPU (s) | CPU ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
med() { echo "$1" | tr ' ' '\n' | grep . | median; }
for name in print import; do
	sqw=$(med "${wall[$name,sqlite3]}")
	msw=$(med "${wall[$name,marketsql]}")
	sqc=$(med "${cpu[$name,sqlite3]}")
	msc=$(med "${cpu[$name,marketsql]}")
	label="print $ROWS rows, -csv to /dev/null"
	[[ $name == import ]] && label=".import --csv of $ROWS rows into a new table"
	awk -v l="$label" -v a="$sqw" -v b="$msw" -v c="$sqc" -v d="$msc" \
		'BEGIN { printf "| %s | %.3f | %.3f | %.2fx | %.3f | %.3f | %.2fx |\n", l, a, b, b / a, c, d, d / c }'
done
echo
echo "CPU is user + system time of the process (marketsql's is spread over its goroutines)."

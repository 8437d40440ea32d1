#!/usr/bin/env bash
# marketsql as a loadable extension in the stock sqlite3 CLI, side by side
# with the engine (bin/marketsql, which embeds SQLite through
# mattn/go-sqlite3), in one run (make bench-extension):
#
#   1. per-row scoring: over a 1M-row table t(a, b, c, d REAL), train a
#      k-means model on 10,000 rows, then time
#      SELECT sum(kmeans_assign('m', a, b, c, d)) FROM t against
#      SELECT sum(a + b + c + d) FROM t, alternating, inside one process per
#      host (.timer); the median of the paired ratios (target: at most 1.3x);
#   2. recommendations: the top 10 for every Online Retail customer (4,335)
#      in one statement, with the demo's model 'recs' (target: 0.25 s);
#   3. the extension's load time (.load in a fresh sqlite3 process, minus the
#      same process without it) and its file size.
#
# It builds nothing: make bench-extension builds bin/marketsql and
# bin/marketsql.so first. Prints Markdown tables with the machine's load.
#
# Environment:
#   REPS       timed repetitions of each statement per host (default 11)
#   LOADS      process pairs for the load time (default 20)
#   BENCH_OUT  data directory (default: $TMPDIR/marketsql-bench-extension);
#              the 1M-row table is kept there between runs, the demo
#              database is rebuilt each run
#   MARKETSQL  the marketsql shell (default: bin/marketsql)
#   EXTENSION  the extension (default: bin/marketsql.so)
#   SQLITE3    the stock sqlite3 CLI (default: sqlite3 on PATH)
#   HARNESS    optional: a binary built from ./bench/extension/harness
#              (engine.Open from Go), timed as a third host
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REPS=${REPS:-11}
LOADS=${LOADS:-20}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/marketsql-bench-extension}
MS=${MARKETSQL:-$ROOT/bin/marketsql}
SO=${EXTENSION:-$ROOT/bin/marketsql.so}
SQ=${SQLITE3:-$(command -v sqlite3 || true)}
HARNESS=${HARNESS:-}
N=1000000
[[ -x $MS ]] || { echo "bench-extension: $MS is missing: run make build" >&2; exit 1; }
[[ -f $SO ]] || { echo "bench-extension: $SO is missing: run make extension" >&2; exit 1; }
[[ -n $SQ ]] || { echo "bench-extension: the sqlite3 CLI is missing (apt-get install sqlite3)" >&2; exit 1; }
[[ -z $HARNESS || -x $HARNESS ]] || { echo "bench-extension: HARNESS=$HARNESS is not executable" >&2; exit 1; }
# Relative paths are taken from where the script was started.
abs() { if [[ -z $1 || $1 == /* ]]; then echo "$1"; else echo "$PWD/$1"; fi; }
MS=$(abs "$MS")
SO=$(abs "$SO")
HARNESS=$(abs "$HARNESS")
[[ $SQ == */* ]] && SQ=$(abs "$SQ")
mkdir -p "$OUT"
cd "$OUT"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

hosts=(sqlite3 marketsql)
[[ -n $HARNESS ]] && hosts+=(engine)

# run_host HOST DB SCRIPT: runs SCRIPT (statements, .timer on) in HOST.
run_host() {
	local host=$1 db=$2 script=$3
	case $host in
	sqlite3) { echo ".load $SO"; cat "$script"; } | "$SQ" -bail "$db" ;;
	marketsql) "$MS" -bail "$db" <"$script" ;;
	engine) "$HARNESS" -db "$db" -print <"$script" ;;
	esac
}

# A script and the label of each statement, in order; every statement prints
# one "Run Time:" line (.timer), preceded by its result if it has one.
script_new() { : >"$1.sql"; : >"$1.labels"; echo ".timer on" >"$1.sql"; }
stmt() { # NAME LABEL SQL
	printf '%s\n' "$3" >>"$1.sql"
	echo "$2" >>"$1.labels"
}

# results NAME HOST: "label<TAB>real<TAB>cpu<TAB>value" per statement, from
# NAME.HOST.out (cpu = user + sys; value = the line printed before, or -).
results() {
	awk 'NR == FNR { label[NR] = $0; next }
		/^Run Time: real / { n++; printf "%s\t%s\t%s\t%s\n", label[n], $4, $6 + $8, (last == "" ? "-" : last); last = ""; next }
		{ last = $0 }' "$1.labels" "$1.$2.out"
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# med NAME HOST LABEL [COLUMN]: median real (2) or CPU (3) seconds of the
# statements labelled LABEL.
med() { results "$1" "$2" | awk -F'\t' -v l="$3" -v c="${4:-2}" '$1 == l { print $c }' | median; }
# paired NAME HOST LABEL_A LABEL_B [COLUMN]: median of A/B (real seconds, or
# CPU with COLUMN 3) over the repetitions (the r-th A with the r-th B, run one
# after the other), robust to the drift of a shared machine between them.
paired() {
	paste <(results "$1" "$2" | awk -F'\t' -v l="$3" -v c="${5:-2}" '$1 == l { print $c }') \
		<(results "$1" "$2" | awk -F'\t' -v l="$4" -v c="${5:-2}" '$1 == l { print $c }') |
		awk '$2 > 0 { print $1 / $2 }' | median
}
# val NAME HOST LABEL: the distinct results of the statements labelled LABEL.
val() { results "$1" "$2" | awk -F'\t' -v l="$3" '$1 == l { print $4 }' | sort -u; }

# ---- 1. per-row scoring over 1M rows ----

TDB=t_$N.db
if [[ ! -s $TDB ]] || [[ $("$SQ" "$TDB" "SELECT count(*) FROM t" 2>/dev/null) != "$N" ]]; then
	rm -f "$TDB" "$TDB-wal" "$TDB-shm"
	# Deterministic, spread-out values (multiplicative hashes of the row number).
	"$SQ" "$TDB" "CREATE TABLE t(a REAL, b REAL, c REAL, d REAL);
		INSERT INTO t
		SELECT ((i * 2654435761) % 1000003) / 1000.0, ((i * 40503) % 999983) / 1000.0 - 500,
		       ((i * 69069 + 7) % 65521) * 0.01, ((i * i) % 10007) * 0.1
		FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $N) SELECT i FROM s);"
fi
PLAIN="SELECT sum(a + b + c + d) FROM t;"
ASSIGN="SELECT sum(kmeans_assign('m', a, b, c, d)) FROM t;"
# For scale: a built-in SQLite function of four arguments (no extension).
BUILTIN="SELECT sum(max(a, b, c, d)) FROM t;"
script_new km
stmt km train "SELECT json_extract(kmeans_train('m', 'SELECT rowid, a, b, c, d FROM t LIMIT 10000', '{\"k\": 8}'), '\$.k');"
stmt km warm_plain "$PLAIN"
stmt km warm_assign "$ASSIGN"
for ((r = 0; r < REPS; r++)); do
	stmt km plain "$PLAIN"
	stmt km assign "$ASSIGN"
	stmt km builtin "$BUILTIN"
done
for h in "${hosts[@]}"; do
	run_host "$h" "$TDB" km.sql >"km.$h.out"
done

# ---- 2. top 10 for every Online Retail customer ----

# The demo's tables and models, as make demo builds them (rfm.sql, then
# recommend.sql, which trains 'recs' on every purchase).
RDB=retail.db
rm -f "$RDB" "$RDB-wal" "$RDB-shm"
(
	cd "$ROOT"
	"$MS" "$OUT/$RDB" ".import --csv testdata/online-retail/online_retail.csv.gz retail_raw"
	"$MS" -bail "$OUT/$RDB" <examples/rfm.sql >/dev/null
	"$MS" -bail "$OUT/$RDB" <examples/recommend.sql >/dev/null
)
ALL="SELECT c.customer_id, r.* FROM bench_customers c, recommend('recs', c.customer_id, 10) r"
script_new rec
stmt rec customers "CREATE TEMP TABLE bench_customers AS SELECT DISTINCT customer_id FROM rec_lines;"
stmt rec n_customers "SELECT count(*) FROM bench_customers;"
stmt rec warm "SELECT count(*) FROM ($ALL);"
for ((r = 0; r < REPS; r++)); do
	stmt rec count "SELECT count(*) FROM ($ALL);"
	stmt rec ctas "CREATE TEMP TABLE bench_recs AS $ALL;"
	stmt rec check "SELECT count(*) || ' ' || count(DISTINCT customer_id) || ' ' || printf('%.4f', sum(score)) FROM bench_recs;"
	stmt rec drop "DROP TABLE bench_recs;"
done
for h in "${hosts[@]}"; do
	run_host "$h" "$RDB" rec.sql >"rec.$h.out"
done

# The hosts must agree on every result before their times mean anything.
for h in "${hosts[@]}"; do
	for pair in "km train" "km assign" "rec n_customers" "rec count" "rec check"; do
		set -- $pair
		a=$(val "$1" sqlite3 "$2")
		b=$(val "$1" "$h" "$2")
		if [[ -z $a || $a == *$'\n'* || $a != "$b" ]]; then
			echo "bench-extension: $1 $2: $h gives '$b', sqlite3 '$a'" >&2
			exit 1
		fi
	done
done

# ---- 3. load time and size ----

declare -a with without
for ((r = 0; r < LOADS; r++)); do
	t0=$EPOCHREALTIME
	"$SQ" :memory: "select 1" >/dev/null
	t1=$EPOCHREALTIME
	"$SQ" :memory: ".load $SO" "select 1" >/dev/null
	t2=$EPOCHREALTIME
	without+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
	with+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')")
done
declare -a shell_start
for ((r = 0; r < LOADS; r++)); do
	t0=$EPOCHREALTIME
	"$MS" :memory: "select 1" >/dev/null
	t1=$EPOCHREALTIME
	shell_start+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
done
load_without=$(printf '%s\n' "${without[@]}" | median)
load_with=$(printf '%s\n' "${with[@]}" | median)
ms_start=$(printf '%s\n' "${shell_start[@]}" | median)
so_bytes=$(stat -c %s "$SO")

# ---- report ----

title() {
	case $1 in
	sqlite3) echo "sqlite3 $("$SQ" -version | cut -d' ' -f1) + marketsql.so" ;;
	marketsql) echo "marketsql shell ($("$MS" -version | sed -n 's/.*(\(SQLite [0-9.]*\)).*/\1/p'))" ;;
	engine) echo "Go, engine.Open" ;;
	esac
}
echo "marketsql extension vs engine, median of $REPS runs per statement (warm, one process per host, wall time), $(nproc) cores, load average $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
head="| | "
sep="|---|"
for h in "${hosts[@]}"; do
	head+="$(title "$h") | "
	sep+="---:|"
done
echo "${head}target |"
echo "${sep}---|"
declare -A plain assign builtin ratio cratio bratio cnt ccnt ctas
for h in "${hosts[@]}"; do
	plain[$h]=$(med km "$h" plain)
	assign[$h]=$(med km "$h" assign)
	builtin[$h]=$(med km "$h" builtin)
	ratio[$h]=$(paired km "$h" assign plain)
	cratio[$h]=$(paired km "$h" assign plain 3)
	bratio[$h]=$(paired km "$h" builtin plain)
	cnt[$h]=$(med rec "$h" count)
	ccnt[$h]=$(med rec "$h" count 3)
	ctas[$h]=$(med rec "$h" ctas)
done
line() { # LABEL TARGET FORMAT EXPR: EXPR of p, a, b, r, cr, br (scoring), c, cc, t (recommend), n per host
	local label=$1 target=$2 f=$3 expr=$4 out="| $1 |"
	for h in "${hosts[@]}"; do
		out+=" $(awk -v p="${plain[$h]}" -v a="${assign[$h]}" -v b="${builtin[$h]}" -v r="${ratio[$h]}" -v cr="${cratio[$h]}" -v br="${bratio[$h]}" -v c="${cnt[$h]}" -v cc="${ccnt[$h]}" -v t="${ctas[$h]}" -v n="$N" \
			"BEGIN { printf \"$f\", $expr }") |"
	done
	echo "$out $target |"
}
line "sum(a + b + c + d) over $N rows" "" "%.3f s" "p"
line "sum(kmeans_assign('m', a, b, c, d)), k = 8" "" "%.3f s" "a"
line "**ratio kmeans_assign / plain** (median of the $REPS paired ratios)" "at most 1.3x" "**%.2fx**" "r"
line "the same ratio on CPU time (user + sys)" "" "%.2fx" "cr"
line "kmeans_assign cost per row over the plain sum (from the medians)" "" "%.0f ns" "(a - p) / n * 1e9"
line "for scale: sum(max(a, b, c, d)), a built-in SQLite function" "" "%.3f s" "b"
line "for scale: ratio max(a, b, c, d) / plain (paired)" "" "%.2fx" "br"
line "top 10 for all $(val rec sqlite3 n_customers) customers: SELECT count(*) FROM (join)" "at most 0.25 s" "**%.3f s**" "c"
line "the same, CPU time (user + sys)" "" "%.3f s" "cc"
line "the same join as CREATE TEMP TABLE AS" "" "%.3f s" "t"
if awk -v l="${LOAD0%% *}" -v c="$(nproc)" 'BEGIN { exit !(l >= c) }'; then
	echo
	echo "Note: the load average was at least the number of cores at the start: other processes"
	echo "shared the CPUs, so wall times are inflated and noisy; the CPU-time rows are steadier."
fi
echo
awk -v w="$load_with" -v o="$load_without" -v s="$ms_start" -v b="$so_bytes" -v n="$LOADS" 'BEGIN {
	print "| the extension | value |"
	print "|---|---:|"
	printf "| load time: sqlite3 :memory: \x27.load marketsql.so\x27 \x27select 1\x27 minus the same without .load (median of %d pairs) | %.1f ms |\n", n, (w - o) * 1000
	printf "| sqlite3 process with / without .load | %.1f / %.1f ms |\n", w * 1000, o * 1000
	printf "| for scale: bin/marketsql :memory: \x27select 1\x27 (the Go shell starting) | %.1f ms |\n", s * 1000
	printf "| bin/marketsql.so size | %.2f MiB (%d bytes) |\n", b / 1048576, b
}'

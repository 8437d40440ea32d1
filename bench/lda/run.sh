#!/usr/bin/env bash
# marketsql LDA vs gensim LdaModel, side by side in one run (make bench-lda).
# See bench/lda/README.md for what is measured.
#
# Usage: bench/lda/run.sh [K:PASSES ...]          (default: 10:1 10:5 50:1 50:5)
# Environment:
#   BENCH_OUT          data and results directory (default: $TMPDIR/marketsql-bench, as the peers use)
#   MARKETSQL_SHARED   the shared directory (default: ../shared next to the repository root)
#   PYTHON             python with gensim 4.2 (default: /usr/bin/python3)
#   REPS               timed fits per configuration on both sides (default: 3)
#   THREADS            our worker threads (default: all cores)
#   BENCH_INSTALL=1    install python3-gensim with apt-get if it is missing (needs root);
#                      without it the script only prints the command and stops
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=${MARKETSQL_SHARED:-$ROOT/../shared}
export BENCH_OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/marketsql-bench}
export MARKETSQL_SHARED=$SHARED
export MARKETSQL_DATA=${MARKETSQL_DATA:-$SHARED/data}
PY=${PYTHON:-/usr/bin/python3}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
REPS=${REPS:-3}
# The machine forces a slower OpenBLAS kernel through these; time both sides without them.
CLEAN_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

cd "$ROOT"
mkdir -p "$BENCH_OUT/results"

if ! "$PY" -c 'import gensim, sklearn, pandas, threadpoolctl' 2>/dev/null; then
	if [[ ${BENCH_INSTALL:-0} == 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "installing python3-gensim python3-sklearn python3-pandas (BENCH_INSTALL=1)" >&2
		apt-get install -y python3-gensim python3-sklearn python3-pandas >&2
	else
		echo "bench-lda: gensim, scikit-learn or pandas is not importable by $PY." >&2
		echo "  install them with:  apt-get install -y python3-gensim python3-sklearn python3-pandas   (or rerun with BENCH_INSTALL=1 as root)" >&2
		exit 1
	fi
fi

BIN="$BENCH_OUT/ldabench"
"$GO" build -o "$BIN" ./bench/lda

# gensim's input: lda_prep.py's bag of words (our side rebuilds the same in Go; a test checks the hashes).
if [[ ! -s $BENCH_OUT/reuters_lda/train.ldac ]]; then
	echo "preparing the Reuters-21578 bag of words (lda_prep.py)" >&2
	"$PY" "$SHARED/peers/lda_prep.py" >/dev/null
fi

configs=("$@")
((${#configs[@]})) || configs=(10:1 10:5 50:1 50:5)
OURS=$BENCH_OUT/results/lda_marketsql.jsonl
PEER=$BENCH_OUT/results/lda_gensim.jsonl
NPMI=$BENCH_OUT/results/lda_marketsql_npmi_by_gensim.jsonl
: >"$OURS"
: >"$PEER"
# Each rep runs in a fresh process, ours and gensim's alternating, so that a
# change in the machine's load hits both sides alike; the table takes medians.
for c in "${configs[@]}"; do
	k=${c%%:*}
	p=${c##*:}
	for ((r = 1; r <= REPS; r++)); do
		echo "== $k topics, $p passes, rep $r/$REPS: marketsql, then gensim" >&2
		"${CLEAN_ENV[@]}" "$BIN" -configs "$c" -reps 1 -threads "${THREADS:-0}" >>"$OURS"
		# gensim's stderr (warnings, errors) goes to ours: a failing peer must be visible.
		"${CLEAN_ENV[@]}" "$PY" bench/lda/peer.py fit "$k" "$p" 1 >>"$PEER"
	done
done
# c_npmi by gensim's CoherenceModel, once per configuration (the topics do not change between reps).
echo "== c_npmi of our topics by gensim's CoherenceModel" >&2
"$PY" bench/lda/peer.py npmi "$OURS" >"$NPMI"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)   reps: $REPS"
"$BIN" -table "$OURS,$PEER,$NPMI"

#!/usr/bin/env bash
# marketsql k-means vs scikit-learn, side by side in one run (make bench-kmeans).
# See bench/kmeans/README.md for what is measured.
#
# Usage: bench/kmeans/run.sh [dataset ...]      (names or file stems from `list`; default: all rows)
# Environment:
#   BENCH_OUT          data and results directory (default: $TMPDIR/marketsql-bench, as the peers use)
#   MARKETSQL_SHARED   the shared directory (default: ../shared next to the repository root)
#   PYTHON             python with scikit-learn 1.2.1 (default: /usr/bin/python3)
#   REPS               timed reps per configuration on both sides (default: 5, 3 for 1M rows)
#   SEEDS              seeds 0..SEEDS-1 fitted once each on both sides (default: 5; 0 skips)
#   RNG                our k-means++ stream: numpy (default: scikit-learn's draws for the same
#                      seed, so both sides start from the same rows) or pcg (our own default)
#   BENCH_INSTALL=1    install python3-sklearn with apt-get if it is missing (needs root);
#                      without it the script only prints the command and stops
#   GO_BENCH_FLAGS     extra flags for the Go side's `run` (e.g. "-threads 1 -no-pass")
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=${MARKETSQL_SHARED:-$ROOT/../shared}
export BENCH_OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/marketsql-bench}
export MARKETSQL_SHARED=$SHARED
PY=${PYTHON:-/usr/bin/python3}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
# The machine forces a slower OpenBLAS kernel through these; time both sides without them.
CLEAN_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

cd "$ROOT"
mkdir -p "$BENCH_OUT/results"

# 1. scikit-learn must be importable. Installing is opt-in (BENCH_INSTALL=1).
if ! "$PY" -c 'import sklearn, threadpoolctl' 2>/dev/null; then
	if [[ ${BENCH_INSTALL:-0} == 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "installing python3-sklearn (BENCH_INSTALL=1)" >&2
		apt-get install -y python3-sklearn >&2
	else
		echo "bench-kmeans: scikit-learn is not importable by $PY." >&2
		echo "  install it with:  apt-get install -y python3-sklearn   (or rerun with BENCH_INSTALL=1 as root)" >&2
		exit 1
	fi
fi

# 2. Build our side.
BIN="$BENCH_OUT/kmeansbench"
"$GO" build -o "$BIN" ./bench/kmeans

# 3. Datasets: the seeded blobs of gen_blobs.py (generated once, ~1 GB) and the RFM table.
mapfile -t ROWS < <("$BIN" list -all)
want=("$@")
if ((${#want[@]} == 0)); then
	mapfile -t want < <("$BIN" list | cut -f1)
fi
# Rows gen_blobs.py does not write come from blobs.py (the same make_blobs call).
OWN_BLOBS=(blobs_n60000_d6_k7.f64)
missing=0 extra=()
for row in "${ROWS[@]}"; do
	IFS=$'\t' read -r name file d k ninit <<<"$row"
	[[ $file == rfm_log_std.f64 || -s $BENCH_OUT/$file ]] && continue
	if [[ " ${OWN_BLOBS[*]} " == *" $file "* && $file =~ ^blobs_n([0-9]+)_d([0-9]+)_k([0-9]+)\.f64$ ]]; then
		extra+=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}")
	else
		missing=1
	fi
done
if ((missing)); then
	echo "generating the blob files into $BENCH_OUT (gen_blobs.py, about a minute)" >&2
	"$PY" "$SHARED/peers/gen_blobs.py" >&2
fi
if ((${#extra[@]})); then
	echo "generating ${#extra[@]} more blob parameters into $BENCH_OUT (bench/kmeans/blobs.py)" >&2
	"$PY" bench/kmeans/blobs.py "${extra[@]}" >&2
fi

# 4. Both sides, dataset by dataset, ours first (it writes the RFM matrix peer.py reads).
RESULTS="$BENCH_OUT/results/kmeans_side_by_side.jsonl"
: >"$RESULTS"
reps_go=() reps_py=()
if [[ -n ${REPS:-} ]]; then reps_go=(-reps "$REPS"); reps_py=(--reps "$REPS"); fi
if [[ -n ${SEEDS:-} ]]; then reps_go+=(-seeds "$SEEDS"); reps_py+=(--seeds "$SEEDS"); fi
reps_go+=(-rng "${RNG:-numpy}")
start=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
for w in "${want[@]}"; do
	found=0
	for row in "${ROWS[@]}"; do
		IFS=$'\t' read -r name file d k ninit <<<"$row"
		[[ $w == "$name" || $w == "$file" || $w == "${file%.f64}" ]] || continue
		found=1
		# shellcheck disable=SC2086
		"${CLEAN_ENV[@]}" "$BIN" run -repo "$ROOT" -out "$BENCH_OUT" -o "$RESULTS" "${reps_go[@]}" ${GO_BENCH_FLAGS:-} "$name" >&2
		if [[ -s $BENCH_OUT/$file ]]; then
			"${CLEAN_ENV[@]}" "$PY" bench/kmeans/peer.py --name "$name" --file "$BENCH_OUT/$file" \
				--d "$d" --k "$k" --n-init "${ninit:-0}" "${reps_py[@]}" >>"$RESULTS"
		fi
	done
	((found)) || { echo "bench-kmeans: unknown dataset $w" >&2; exit 2; }
done

# 5. The table, on stdout and as markdown.
echo
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
echo "k-means side by side ($(date -u +%FT%TZ), $(nproc) CPUs, $((SECONDS - start)) s; results in $RESULTS)"
echo "load average before: $load_start, after: $load_end (the benchmark itself adds up to ~2; more means other work shared the CPUs)"
echo "# load average before: $load_start, after: $load_end" >>"$RESULTS"
"$BIN" table -md "$BENCH_OUT/kmeans.md" "$RESULTS"

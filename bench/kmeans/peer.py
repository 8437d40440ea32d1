"""scikit-learn's side of marketsql's k-means benchmark (bench/kmeans/run.sh).

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/kmeans/peer.py \
         --name NAME --file PATH --d D --k K [--reps R]
PATH holds float64 little-endian row-major rows of D columns (the files of
../shared/peers/gen_blobs.py, or rfm_log_std.f64 written by the Go side).

Measured, each as the median of R timed runs after one warm-up (R defaults to
5, or 3 for 1M rows or more):
  lloyd, elkan: KMeans(n_clusters=K, init='k-means++', n_init=1, max_iter=100,
                tol=1e-4, random_state=0, algorithm=...).fit(X) wall time,
                with n_iter_ and inertia_;
  seeds_lloyd, seeds_elkan: the same fit once per random_state 0..S-1 (S from
                --seeds, default 5; 0 skips), each algorithm, with per-seed
                wall time, n_iter_ and inertia_ (the benchmark's multi-seed rows);
  pass:         one Lloyd iteration (assign every row, update the centres, check
                convergence), measured as ours is: sklearn's loop body from the
                first K rows with tol=0, each iteration after the first timed,
                median over all of them; see lloyd_pass.
  pass_kernel:  for reference, one bare lloyd_iter_chunked_dense call from the
                fitted centres, median of max(R, 7) (as ../shared/peers/kmeans_bench.py).
With --n-init N (a row of restarts) lloyd and elkan are KMeans(n_clusters=K,
n_init=N, random_state=0, algorithm=...) with the other parameters at their
defaults (max_iter=300, tol=1e-4), no seeds or pass are measured, and
  total:        the lloyd fit followed by silhouette_score(X, labels,
                sample_size=10000, random_state=0), davies_bouldin_score and
                calinski_harabasz_score, median of R (fit_s and metrics_s its parts).
Prints one JSON line on stdout (the schema of bench/kmeans/measure.go's line);
progress goes to stderr.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def timeit(fn, reps):
    fn()  # warm-up
    ts, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return ts, out


def lloyd_pass(X, k, nt, m, reps):
    """One Lloyd iteration, measured as bench/kmeans/measure.go's lloydPass
    measures ours: the loop body of sklearn's _kmeans_single_lloyd (one
    lloyd_iter_chunked_dense call, the swap, the strict-convergence check, the
    centre-shift sum) run from the first k rows with tol=0 for up to m
    iterations, BLAS limited to 1 thread as in fit; iteration i's time is the
    gap between the ends of iterations i-1 and i, for i >= 2. Median over every
    iteration of every timed run (one warm-up run; at least reps runs, more up
    to 15 until there are 10 iterations)."""
    from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
    from threadpoolctl import threadpool_limits
    n = X.shape[0]
    sw = np.ones(n, dtype=X.dtype)
    samples, longest, runs = [], 0, -1
    with threadpool_limits(limits=1, user_api="blas"):
        while runs < reps or (len(samples) < 10 and runs < 15):
            centers = np.ascontiguousarray(X[:k]).copy()
            centers_new = np.zeros_like(centers)
            labels = np.full(n, -1, dtype=np.int32)
            labels_old = labels.copy()
            wic = np.zeros(k, dtype=X.dtype)
            shift = np.zeros(k, dtype=X.dtype)
            stamps = []
            for i in range(m):
                lloyd_iter_chunked_dense(X, sw, centers, centers_new, wic, labels, shift, nt)
                centers, centers_new = centers_new, centers
                stamps.append(time.perf_counter())
                if np.array_equal(labels, labels_old):
                    break
                if (shift ** 2).sum() <= 0.0:
                    break
                labels_old[:] = labels
            longest = max(longest, len(stamps))
            if len(stamps) < 2:
                break
            if runs >= 0:
                samples += [b - a for a, b in zip(stamps, stamps[1:])]
            runs += 1
    if not samples:
        raise RuntimeError(f"the run from the first {k} rows converged at once")
    return dict(median_s=statistics.median(samples),
                method=f"median of {len(samples)} Lloyd iterations (2..{longest}) from the first k rows, tol 0, "
                       f"sklearn's loop body, {nt} OpenMP threads")


def total(X, k, n_init, reps):
    """KMeans(n_clusters=k, n_init=n_init, random_state=0).fit, then the three
    metrics kmeans_train reports by default; medians of reps after a warm-up."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    def once():
        t0 = time.perf_counter()
        m = KMeans(n_clusters=k, n_init=n_init, random_state=0).fit(X)
        t1 = time.perf_counter()
        silhouette_score(X, m.labels_, sample_size=10000, random_state=0)
        davies_bouldin_score(X, m.labels_)
        calinski_harabasz_score(X, m.labels_)
        t2 = time.perf_counter()
        return t2 - t0, t1 - t0, t2 - t1
    once()
    runs = [once() for _ in range(reps)]
    return dict(median_s=statistics.median(r[0] for r in runs), fit_s=statistics.median(r[1] for r in runs),
                metrics_s=statistics.median(r[2] for r in runs), reps=reps)


def busy_seconds():
    """Busy time of all CPUs (/proc/stat, USER_HZ 100) and this process's own CPU time."""
    import resource
    try:
        f = open("/proc/stat").readline().split()
        busy = sum(int(v) for i, v in enumerate(f[1:9]) if i not in (3, 4)) / 100.0
    except (OSError, ValueError):
        busy = None
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return busy, ru.ru_utime + ru.ru_stime, time.perf_counter()


def others_cpu(start):
    """Average CPUs other processes kept busy since start (machine busy minus ours)."""
    b1, o1, t1 = busy_seconds()
    b0, o0, t0 = start
    if b0 is None or b1 is None or t1 <= t0:
        return None
    return max(0.0, ((b1 - b0) - (o1 - o0)) / (t1 - t0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--d", type=int, required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--reps", type=int, default=0)
    ap.add_argument("--pass-iters", type=int, default=11)
    ap.add_argument("--no-pass", action="store_true")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--n-init", type=int, default=0)
    a = ap.parse_args()
    if a.n_init > 0:
        a.seeds, a.no_pass = 0, True

    res = {"side": "sklearn", "dataset": a.name, "d": a.d, "k": a.k}
    try:
        import sklearn
        from sklearn.cluster import KMeans
        from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError as e:
        res["errors"] = [f"import: {e} (apt-get install -y python3-sklearn)"]
        print(json.dumps(res))
        return

    X = np.fromfile(a.file, dtype="<f8")
    if X.size == 0 or X.size % a.d:
        res["errors"] = [f"load: {a.file}: {X.size} values is not a whole number of {a.d}-column rows"]
        print(json.dumps(res))
        return
    X = X.reshape(-1, a.d)
    n = X.shape[0]
    reps = a.reps or (3 if n >= 1_000_000 else 5)
    nt = _openmp_effective_n_threads()
    pools = ",".join(f"{p['internal_api']}:{p.get('architecture')}x{p['num_threads']}" for p in threadpool_info())
    res.update(n=n, threads=nt, errors=[],
               info=f"sklearn {sklearn.__version__} numpy {np.__version__} OpenMP threads {nt} pools {pools}")

    meter = busy_seconds()
    lloyd_model = None
    for alg in ("lloyd", "elkan"):
        def fit():
            if a.n_init > 0:
                return KMeans(n_clusters=a.k, n_init=a.n_init, random_state=0, algorithm=alg).fit(X)
            return KMeans(n_clusters=a.k, init="k-means++", n_init=1, max_iter=100, tol=1e-4,
                          random_state=0, algorithm=alg).fit(X)
        try:
            ts, m = timeit(fit, reps)
        except Exception as e:  # report, keep the other measurements
            res["errors"].append(f"{alg}: {e}")
            continue
        if alg == "lloyd":
            lloyd_model = m
        res[alg] = dict(median_s=statistics.median(ts), min_s=min(ts), max_s=max(ts), reps=reps,
                        n_iter=int(m.n_iter_), inertia=float(m.inertia_))
        print(f"sklearn {a.name:24s} {alg} median {res[alg]['median_s']:.4f}s over {reps} "
              f"iters={m.n_iter_} inertia={m.inertia_:.6e}", file=sys.stderr)

    if a.n_init > 0:
        try:
            res["total"] = total(X, a.k, a.n_init, reps)
            print(f"sklearn {a.name:24s} fit + metrics median {res['total']['median_s']:.4f}s "
                  f"(fit {res['total']['fit_s']:.4f}s, metrics {res['total']['metrics_s']:.4f}s)", file=sys.stderr)
        except Exception as e:
            res["errors"].append(f"total: {e}")

    for alg in ("lloyd", "elkan"):
        if a.seeds <= 0:
            break
        st = dict(seeds=[], fit_s=[], n_iter=[], inertia=[])
        try:
            for seed in range(a.seeds):
                t0 = time.perf_counter()
                m = KMeans(n_clusters=a.k, init="k-means++", n_init=1, max_iter=100, tol=1e-4,
                           random_state=seed, algorithm=alg).fit(X)
                st["fit_s"].append(time.perf_counter() - t0)
                st["seeds"].append(seed)
                st["n_iter"].append(int(m.n_iter_))
                st["inertia"].append(float(m.inertia_))
        except Exception as e:
            res["errors"].append(f"{alg} seeds: {e}")
            continue
        res["seeds_" + alg] = st
        print(f"sklearn {a.name:24s} {alg} seeds 0..{a.seeds - 1}: median fit {statistics.median(st['fit_s']):.4f}s "
              f"inertia {st['inertia']} iters {st['n_iter']}", file=sys.stderr)

    if not a.no_pass:
        try:
            res["pass"] = lloyd_pass(X, a.k, nt, a.pass_iters, reps)
            print(f"sklearn {a.name:24s} Lloyd pass {res['pass']['median_s'] * 1e3:.2f} ms "
                  f"({res['pass']['method']})", file=sys.stderr)
        except Exception as e:
            res["errors"].append(f"lloyd pass: {e}")
        # For reference only: the bare kernel call from the fitted centres, as
        # ../shared/peers/kmeans_bench.py measures it (no per-iteration bookkeeping).
        if lloyd_model is not None:
            cen = lloyd_model.cluster_centers_.copy()
            sw = np.ones(n, dtype=X.dtype)
            cen_new, wic = np.zeros_like(cen), np.zeros(a.k, dtype=X.dtype)
            lab, shift = np.full(n, -1, np.int32), np.zeros(a.k, dtype=X.dtype)

            def one_pass():
                lloyd_iter_chunked_dense(X, sw, cen, cen_new, wic, lab, shift, nt)
            with threadpool_limits(limits=1, user_api="blas"):
                ts, _ = timeit(one_pass, max(reps, 7))
            res["pass_kernel"] = dict(median_s=statistics.median(ts),
                                      method="one lloyd_iter_chunked_dense call from the fitted centres")

    oc = others_cpu(meter)
    if oc is not None:
        res["others_cpu"] = oc
    if not res["errors"]:
        del res["errors"]
    print(json.dumps(res))


if __name__ == "__main__":
    main()

"""Write testdata/kmeans/fixtures.json (and blobs_3000x5.csv): expected k-means
results from scikit-learn 1.2.1 for the Go tests of algorithms/kmeans.

Run from the repository root with Debian's Python (scikit-learn 1.2.1, numpy 1.24.2):
    /usr/bin/python3 testdata/kmeans/make_fixtures.py

Data sets
  wholesale: the six spending columns of wholesale_customers_data.csv (440x6, unscaled).
  blobs:     make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=1.5,
                        center_box=(-10, 10), random_state=20240601), stored in
             blobs_3000x5.csv with repr precision (exact float64 round trip).

Cases
  "explicit": the same explicit initial centroids (stored in the case) given to
      KMeans(n_clusters=k, init=C0, n_init=1, max_iter, tol, algorithm='lloyd') and
      algorithm='elkan'; both results are recorded (labels, inertia, n_iter_, centres).
      Some cases carry sample_weight; some force an empty cluster (a duplicated or a
      far-away initial centroid) so scikit-learn's _relocate_empty_clusters runs.
  "kpp": KMeans(init='k-means++' or 'random', n_init=10, random_state=0..4): best inertia
      over the seeds (Go cannot replay numpy's random stream, so only quality is compared).
  "minibatch": MiniBatchKMeans(n_clusters=k, init='k-means++', n_init=1, batch_size,
      max_iter=100, tol=0.0, max_no_improvement=10, reassignment_ratio=0.01,
      random_state=s) for s=0..39: inertia of each (the Go test compares medians).
"""
import csv
import json
import os
import re
import sys

import numpy as np
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs

HERE = os.path.dirname(os.path.abspath(__file__))


def wholesale():
    with open(os.path.join(HERE, "wholesale_customers_data.csv"), newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][2:] == ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
    return np.array([[float(v) for v in r[2:]] for r in rows[1:]])


def blobs():
    X, _ = make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=1.5,
                      center_box=(-10.0, 10.0), random_state=20240601)
    with open(os.path.join(HERE, "blobs_3000x5.csv"), "w") as fh:
        fh.write("x1,x2,x3,x4,x5\n")
        for r in X:
            fh.write(",".join(repr(float(v)) for v in r) + "\n")
    # read back to be sure the stored text is exactly X
    back = np.loadtxt(os.path.join(HERE, "blobs_3000x5.csv"), delimiter=",", skiprows=1)
    assert np.array_equal(back, X)
    return X


def fit(X, C0, k, max_iter, tol, alg, w):
    m = KMeans(n_clusters=k, init=C0, n_init=1, max_iter=max_iter, tol=tol, algorithm=alg)
    m.fit(X, sample_weight=w)
    return {
        "labels": [int(v) for v in m.labels_],
        "inertia": float(m.inertia_),
        "n_iter": int(m.n_iter_),
        "centers": m.cluster_centers_.tolist(),
    }


def explicit(name, data, X, C0, max_iter, tol, w=None, note=""):
    k = C0.shape[0]
    call = (f"KMeans(n_clusters={k}, init=init_centers, n_init=1, max_iter={max_iter}, "
            f"tol={tol!r}, algorithm=ALG).fit(X, sample_weight={'weights' if w is not None else None})")
    return {
        "name": name, "data": data, "k": k, "max_iter": max_iter, "tol": tol, "note": note,
        "call": call,
        "init_centers": C0.tolist(),
        "weights": None if w is None else [float(v) for v in w],
        "lloyd": fit(X, C0, k, max_iter, tol, "lloyd", w),
        "elkan": fit(X, C0, k, max_iter, tol, "elkan", w),
    }


def main():
    W = wholesale()
    B = blobs()
    cases = []

    rs = np.random.RandomState(1)
    # Wholesale, k=5, rows chosen at random as initial centres.
    C = W[rs.choice(len(W), 5, replace=False)]
    cases.append(explicit("wholesale_k5", "wholesale", W, C, 300, 1e-4,
                          note="initial centres: 5 rows drawn by RandomState(1).choice(440, 5, replace=False)"))
    cases.append(explicit("wholesale_k5_tol0", "wholesale", W, C, 300, 0.0,
                          note="same init, tol=0: stops only on strict convergence"))
    cases.append(explicit("wholesale_k5_maxiter2", "wholesale", W, C, 2, 1e-4,
                          note="same init, max_iter=2: not converged, final E-step"))
    C8 = W[rs.choice(len(W), 8, replace=False)]
    cases.append(explicit("wholesale_k8", "wholesale", W, C8, 300, 1e-4,
                          note="initial centres: 8 rows drawn next from the same RandomState(1)"))
    # Weighted: weight = Channel (1 or 2) times (1 + Region) / 2, some rows weight 0.
    raw = np.array([[float(v) for v in r[:2]] for r in list(csv.reader(open(os.path.join(HERE, "wholesale_customers_data.csv"), newline="")))[1:]])
    w = raw[:, 0] * (1 + raw[:, 1]) / 2
    w[::37] = 0.0
    cases.append(explicit("wholesale_k5_weighted", "wholesale", W, C, 300, 1e-4, w,
                          note="sample_weight = Channel*(1+Region)/2, every 37th row 0"))
    # Empty cluster: a duplicated initial centre gets no rows in the first E-step.
    Cd = W[[3, 100, 200, 3]]
    cases.append(explicit("wholesale_k4_duplicate_init", "wholesale", W, Cd, 300, 1e-4,
                          note="init rows 3,100,200,3: centre 3 duplicates centre 0, so it is empty "
                               "after the first E-step and _relocate_empty_clusters moves it"))

    C6 = B[rs.choice(len(B), 6, replace=False)]
    cases.append(explicit("blobs_k6", "blobs", B, C6, 300, 1e-4,
                          note="initial centres: 6 rows drawn next from RandomState(1)"))
    C10 = B[rs.choice(len(B), 10, replace=False)]
    cases.append(explicit("blobs_k10", "blobs", B, C10, 300, 1e-4,
                          note="initial centres: 10 rows drawn next from RandomState(1)"))
    bw = np.round(rs.uniform(0.5, 3.0, size=len(B)) * 4) / 4
    cases.append(explicit("blobs_k6_weighted", "blobs", B, C6, 300, 1e-4, bw,
                          note="sample_weight = round(RandomState(1).uniform(0.5,3)*4)/4 (drawn next)"))
    Cf = np.vstack([B[[0, 1, 2, 3, 4]], np.full((1, 5), 100.0)])
    cases.append(explicit("blobs_k6_far_centre", "blobs", B, Cf, 300, 1e-4,
                          note="init rows 0-4 plus (100,...,100): the far centre is empty after the "
                               "first E-step and is relocated to the row farthest from its centre"))

    kpp = []
    for data, X in (("wholesale", W), ("blobs", B)):
        for k in (3, 5, 8):
            for init in ("k-means++", "random"):
                inertias = []
                for seed in range(5):
                    m = KMeans(n_clusters=k, init=init, n_init=10, max_iter=300, tol=1e-4,
                               random_state=seed).fit(X)
                    inertias.append(float(m.inertia_))
                kpp.append({
                    "data": data, "k": k, "init": init,
                    "call": f"KMeans(n_clusters={k}, init={init!r}, n_init=10, max_iter=300, tol=1e-4, random_state=s).fit(X), s=0..4",
                    "inertia_by_seed": inertias, "best_inertia": min(inertias),
                    "median_inertia": float(np.median(inertias)),
                })

    mb = []
    for data, X, k, bs in (("blobs", B, 6, 1024), ("blobs", B, 6, 256), ("wholesale", W, 5, 1024)):
        inertias, epochs = [], []
        for seed in range(40):
            m = MiniBatchKMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=100, batch_size=bs,
                                tol=0.0, max_no_improvement=10, reassignment_ratio=0.01,
                                random_state=seed).fit(X)
            inertias.append(float(m.inertia_))
            epochs.append(int(m.n_iter_))
        mb.append({
            "data": data, "k": k, "batch_size": bs,
            "call": f"MiniBatchKMeans(n_clusters={k}, init='k-means++', n_init=1, max_iter=100, batch_size={bs}, tol=0.0, max_no_improvement=10, reassignment_ratio=0.01, random_state=s).fit(X), s=0..39",
            "inertia_by_seed": inertias, "n_iter_by_seed": epochs,
            "median_inertia": float(np.median(inertias)),
        })

    out = {
        "provenance": {
            "script": "testdata/kmeans/make_fixtures.py",
            "python": sys.version.split()[0],
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "data": {
                "wholesale": "wholesale_customers_data.csv, columns Fresh..Delicassen (CC BY 4.0, see SOURCE.md)",
                "blobs": "blobs_3000x5.csv = make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=1.5, center_box=(-10, 10), random_state=20240601)",
            },
        },
        "explicit": cases,
        "kpp": kpp,
        "minibatch": mb,
    }
    text = json.dumps(out, indent=1)
    # one line per array of numbers (labels, centre rows, weights)
    text = re.sub(r"\[\s*([-+0-9.eE,\s]+?)\s*\]", lambda m: "[" + ",".join(m.group(1).split()).replace(",,", ",") + "]", text)
    assert json.loads(text) == out
    with open(os.path.join(HERE, "fixtures.json"), "w") as fh:
        fh.write(text + "\n")
    for c in cases:
        same = c["lloyd"]["labels"] == c["elkan"]["labels"]
        print(f"{c['name']:32s} lloyd n_iter={c['lloyd']['n_iter']:3d} inertia={c['lloyd']['inertia']:.10e} "
              f"elkan n_iter={c['elkan']['n_iter']:3d} same_labels={same}")
    for c in kpp:
        print(c["data"], c["k"], c["init"], c["best_inertia"])
    for c in mb:
        print(c["data"], c["k"], c["batch_size"], c["median_inertia"], c["n_iter_by_seed"])


if __name__ == "__main__":
    main()

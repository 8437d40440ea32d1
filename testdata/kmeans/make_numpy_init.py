"""Write testdata/kmeans/numpy_init.json: scikit-learn 1.2.1's k-means++ choices
and whole fits for given random_state seeds, so the Go tests can check that
Options.NumPyRandom reproduces them run for run.

Run from the repository root with Debian's Python (scikit-learn 1.2.1, numpy 1.24.2):
    python3 testdata/kmeans/make_numpy_init.py

Data: blobs_3000x5.csv (this folder), and the same rows with their spread
multiplied by 4 around the mean (overlapping clusters, many iterations).
Calls: sklearn.cluster.kmeans_plusplus(X, n_clusters=k, random_state=seed)
(indices of the chosen rows) and KMeans(n_clusters=k, init='k-means++',
n_init=1, max_iter=300, tol=1e-4, random_state=seed, algorithm='lloyd').
"""
import json, os
import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus

here = os.path.dirname(os.path.abspath(__file__))
X = np.loadtxt(os.path.join(here, "blobs_3000x5.csv"), delimiter=",", skiprows=1)
wide = X.mean(axis=0) + 4.0 * (X - X.mean(axis=0))
out = {"provenance": "testdata/kmeans/make_numpy_init.py, scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__),
       "runs": []}
for name, data in (("blobs", X), ("wide", wide)):
    for k, seed in ((3, 0), (6, 0), (6, 7), (12, 42), (25, 123456789)):
        _, idx = kmeans_plusplus(data, n_clusters=k, random_state=seed)
        km = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=300, tol=1e-4,
                    random_state=seed, algorithm="lloyd").fit(data)
        out["runs"].append({"data": name, "k": k, "seed": seed, "indices": [int(i) for i in idx],
                            "inertia": float(km.inertia_), "n_iter": int(km.n_iter_)})
json.dump(out, open(os.path.join(here, "numpy_init.json"), "w"), indent=1)

"""Reference k-means on the Online Retail RFM table, for the Go tests.

The RFM table is computed by the project's own examples/rfm.sql, run by the
system SQLite (Python's sqlite3 module) over the bundled CSV imported as TEXT
columns, exactly as `marketsql .import` does. Features: the view rfm_log
(log_recency, log_frequency, log_monetary), standardized with StandardScaler.

Reference: scikit-learn 1.2.1 (Debian python3-sklearn)
    KMeans(n_clusters=k, init='k-means++', n_init=10, max_iter=300, tol=1e-4,
           random_state=seed, algorithm='lloyd')
for k in 3..6 and seeds 0..4; the fixture keeps every inertia and the best per k.

Run from the repository root: /usr/bin/python3 testdata/kmeans_rfm/make_fixture.py
"""
import csv, gzip, io, json, os, sqlite3
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
src = os.path.join(root, "testdata/online-retail/online_retail.csv.gz")
db = sqlite3.connect(":memory:")
with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
    r = csv.reader(f)
    header = next(r)
    db.execute("CREATE TABLE retail_raw(%s)" % ", ".join('"%s" TEXT' % h for h in header))
    db.executemany("INSERT INTO retail_raw VALUES (%s)" % ",".join("?" * len(header)), r)
db.executescript(open(os.path.join(root, "examples/rfm.sql")).read())
rows = db.execute("SELECT customer_id, log_recency, log_frequency, log_monetary FROM rfm_log ORDER BY customer_id").fetchall()
X = np.array([r[1:] for r in rows], dtype=np.float64)
Xs = StandardScaler().fit_transform(X)
out = {
    "provenance": "testdata/kmeans_rfm/make_fixture.py; scikit-learn %s; KMeans(init='k-means++', n_init=10, max_iter=300, tol=1e-4, algorithm='lloyd') on StandardScaler(rfm_log)" % sklearn.__version__,
    "rows": len(rows),
    "feature_sums": [float(v) for v in X.sum(axis=0)],
    "results": [],
}
for k in (3, 4, 5, 6):
    inertias = []
    for seed in range(5):
        km = KMeans(n_clusters=k, init="k-means++", n_init=10, max_iter=300, tol=1e-4,
                    random_state=seed, algorithm="lloyd").fit(Xs)
        inertias.append(float(km.inertia_))
    out["results"].append({"k": k, "inertias": inertias, "best": min(inertias)})
    print(k, inertias)
json.dump(out, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rfm_sklearn.json"), "w"), indent=1)

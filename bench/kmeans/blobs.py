"""Blob files of bench/kmeans's rows that ../shared/peers/gen_blobs.py does not write,
with gen_blobs.py's exact generator call (scikit-learn 1.2.1, numpy 1.24):
    make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.0,
               center_box=(-10.0, 10.0), shuffle=True, random_state=42)
written as <BENCH_OUT>/blobs_n{n}_d{d}_k{k}.f64 (float64 little-endian, row-major).
Run: /usr/bin/python3 bench/kmeans/blobs.py N D K [N D K ...]"""
import os
import sys
import tempfile

import numpy as np
from sklearn.datasets import make_blobs

out = os.environ.get("BENCH_OUT", os.path.join(tempfile.gettempdir(), "marketsql-bench"))
os.makedirs(out, exist_ok=True)
args = [int(a) for a in sys.argv[1:]]
if not args or len(args) % 3:
    sys.exit("usage: blobs.py N D K [N D K ...]")
for n, d, k in zip(args[0::3], args[1::3], args[2::3]):
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.0,
                      center_box=(-10.0, 10.0), shuffle=True, random_state=42)
    path = os.path.join(out, f"blobs_n{n}_d{d}_k{k}.f64")
    np.ascontiguousarray(X, dtype="<f8").tofile(path + ".tmp")
    os.replace(path + ".tmp", path)
    print(n, d, k, X[0, :3], float(X.sum()), file=sys.stderr)

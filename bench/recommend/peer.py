"""Peer timings for bench/recommend: scipy item-item cosine (all items' top 10 on the binarised FULL
Online Retail matrix) and the numpy implicit-ALS reference (seconds per iteration), exactly as
../shared/peers/recsys_bench.py measures them. Prints one JSON object.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/recommend/peer.py PEERS_DIR REPS"""
import json, os, statistics, sys, time
peers, reps = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, peers)
sys.argv = sys.argv[:1]  # recsys_bench reads its own argv at import
import numpy as np, scipy.sparse as sp
import recsys_prep, recsys_bench as rb
if not os.path.exists(f"{rb.D}/full.npz"):
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):
        recsys_prep.main()
full = sp.load_npz(f"{rb.D}/full.npz").tocsr(); train = sp.load_npz(f"{rb.D}/train.npz").tocsr()
X = (full > 0).astype(np.float64)
knn = rb.med_time(lambda: rb.topk_dense(rb.simmat(rb.cosine(X)), 10), reps)
Tb = (train > 0).astype(np.float64)
iters = []
for _ in range(3):
    iters += rb.ALS().fit(Tb).iter_times
print(json.dumps({"itemknn_s": knn[0], "als_iter_s": statistics.median(iters),
                  "itemknn_min_s": knn[1], "als_iter_min_s": min(iters),
                  "numpy": np.__version__, "scipy": __import__("scipy").__version__}))

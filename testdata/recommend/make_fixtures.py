"""Fixtures for the recommendation tests (testdata/recommend/).

Run from the repository root (../shared/peers must exist):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 testdata/recommend/make_fixtures.py
with scipy 1.10.1 and numpy 1.24 (Debian). It reuses the reference scripts:
../shared/peers/recsys_prep.py (Online Retail matrix and leave-last-basket-out split) and
../shared/peers/recsys_bench.py (item-item cosine with scipy.sparse, popularity, the evaluation,
and the numpy implicit-ALS reference), and writes:
  fixtures.json          split statistics, metrics of popularity / item-kNN / ALS (numpy, seeds 0..3),
                         the objective per interaction after each of seed 0's 15 iterations
  itemknn_top10.json.gz  scipy item-item cosine on the binarised FULL matrix: per item (byte order of
                         StockCode) its 10 nearest items (ties: lower index) and their cosines
"""
import gzip, json, os, sys, statistics
import numpy as np, scipy.sparse as sp
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "shared", "peers"))
os.environ.setdefault("MARKETSQL_DATA", os.path.join(here, "..", "..", "..", "shared", "data"))
import recsys_prep, recsys_bench as rb

def main():
    recsys_prep.main()
    d = rb.D
    full = sp.load_npz(f"{d}/full.npz").tocsr(); train = sp.load_npz(f"{d}/train.npz").tocsr()
    stats = json.load(open(f"{d}/stats.json"))
    items = open(f"{d}/items.txt").read().split("\n")[:-1]
    rel = {}
    for line in open(f"{d}/test.txt"):
        v = list(map(int, line.split())); rel[v[0]] = set(v[1:])
    users = sorted(rel)
    S = rb.simmat(rb.cosine((full > 0).astype(np.float64)))
    top = rb.topk_rows(S, 10)
    nb = []
    for i in range(S.shape[0]):
        a, b = S.indptr[i], S.indptr[i + 1]
        row = dict(zip(S.indices[a:b].tolist(), S.data[a:b].tolist()))
        nb.append([[int(j), row[int(j)]] for j in top[i] if j >= 0])
    with open(os.path.join(here, "itemknn_top10.json.gz"), "wb") as raw:  # mtime 0: same bytes every run
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(json.dumps({"items": items, "neighbors": nb}, separators=(",", ":")).encode())
    Tb = (train > 0).astype(np.float64)
    Sd = rb.simmat(rb.cosine(Tb)).toarray()
    out = {"provenance": "testdata/recommend/make_fixtures.py: scipy 1.10.1 / numpy 1.24 via ../shared/peers/recsys_bench.py",
           "stats": stats}
    out["item_knn_cosine_binary"] = rb.evaluate(lambda ub: Tb[ub] @ Sd, users, rel, train)
    pop = np.diff(Tb.tocsc().indptr).astype(np.float64)
    out["popularity"] = rb.evaluate(lambda ub: np.tile(pop, (len(ub), 1)), users, rel, train)
    als = []
    for seed in range(4):
        m = rb.ALS(seed=seed).fit(Tb)
        r = rb.evaluate(lambda ub: m.X[ub] @ m.Y.T, users, rel, train); r["seed"] = seed; als.append(r)
        print("als seed", seed, r, flush=True)
    out["als_numpy_seeds"] = als
    ml = rb.ALS(seed=0).fit(Tb, track_loss=True)
    out["als_numpy_seed0_loss_per_nnz"] = [float(v) for v in ml.losses]
    out["als_numpy_mean"] = {k: statistics.mean(r[k] for r in als) for k in ("precision@10", "recall@10", "map@10", "ndcg@10")}
    json.dump(out, open(os.path.join(here, "fixtures.json"), "w"), indent=1)
    print(json.dumps(out, indent=1))

if __name__ == "__main__":
    main()

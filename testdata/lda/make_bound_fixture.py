"""Fixture for algorithms/lda's bound and inference test: a seeded synthetic corpus, a gensim LdaModel
fitted on it, gensim's topic parameters, its log_perplexity bound on held-out documents and its inferred
gamma for them. Run from this directory: python3 make_bound_fixture.py (gensim 4.2.0, numpy 1.24)."""
import json
import numpy as np
from gensim.models import LdaModel
from gensim.corpora import Dictionary

rs = np.random.RandomState(0)
V, K_true = 60, 3
topics = rs.dirichlet(np.full(V, 0.05), K_true)
def doc():
    theta = rs.dirichlet(np.full(K_true, 0.3))
    n = rs.randint(5, 40)
    words = [rs.choice(V, p=topics[rs.choice(K_true, p=theta)]) for _ in range(n)]
    ids, cts = np.unique(words, return_counts=True)
    return [(int(i), int(c)) for i, c in zip(ids, cts)]
train = [doc() for _ in range(300)]
test = [doc() for _ in range(40)]
dic = Dictionary([[str(i) for i in range(V)]])
m = LdaModel(corpus=train, id2word=dic, num_topics=4, chunksize=100, passes=5, alpha="symmetric",
             eval_every=None, random_state=0, dtype=np.float64)
gamma, _ = m.inference(test)
out = {
    "what": __doc__, "V": V, "K": 4,
    "train": train, "test": test,
    "alpha": m.alpha.tolist(), "eta": m.eta.tolist(), "lambda": m.state.get_lambda().tolist(),
    "log_perplexity": float(m.log_perplexity(test)),
    "log_perplexity_total_300": float(m.log_perplexity(test, total_docs=300)),
    "test_gamma": gamma.tolist(),
}
json.dump(out, open("gensim_bound.json", "w"))
print(out["log_perplexity"], out["log_perplexity_total_300"])

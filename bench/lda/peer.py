"""gensim side of make bench-lda (see bench/lda/README.md).
  peer.py fit K PASSES REPS   runs ../shared/peers/lda_bench.py gensim online K PASSES REPS in this process and
                              prints its JSON line with peak_rss_mb (ru_maxrss) added
  peer.py npmi FILE           reads marketsql JSON lines (top_words) and prints, per line, the c_npmi and u_mass of
                              those topics computed by gensim's CoherenceModel exactly as lda_bench.py does
Run from the repository root with MARKETSQL_SHARED and BENCH_OUT set (run.sh does)."""
import contextlib, io, json, os, resource, runpy, sys

SHARED = os.environ.get("MARKETSQL_SHARED", os.path.join("..", "shared"))
D = os.path.join(os.environ["BENCH_OUT"], "reuters_lda")


def fit(k, passes, reps):
    buf = io.StringIO()
    sys.argv = ["lda_bench.py", "gensim", "online", k, passes, reps]
    with contextlib.redirect_stdout(buf):
        g = runpy.run_path(os.path.join(SHARED, "peers", "lda_bench.py"), run_name="__main__")
    line = [l for l in buf.getvalue().splitlines() if l.startswith("{")][-1]
    res = json.loads(line)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def npmi(path):
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel
    vocab = open(f"{D}/vocab.txt").read().split("\n")[:-1]
    dic = Dictionary([vocab])
    texts = [l.split() for l in open(f"{D}/train_tokens.txt").read().split("\n")[:-1]]
    corpus = []
    for line in open(f"{D}/train.ldac"):
        corpus.append([(int(a), int(b)) for a, b in (x.split(":") for x in line.split()[1:])])
    seen = set()
    for line in open(path):
        r = json.loads(line)
        if (r["K"], r["iters"]) in seen:  # one line per rep; the topics are the same
            continue
        seen.add((r["K"], r["iters"]))
        top = [t.split() for t in r["top_words"]]
        cn = CoherenceModel(topics=top, texts=texts, dictionary=dic, coherence="c_npmi", topn=10, processes=1).get_coherence()
        um = CoherenceModel(topics=top, corpus=corpus, dictionary=dic, coherence="u_mass", topn=10).get_coherence()
        print(json.dumps({"K": r["K"], "iters": r["iters"], "c_npmi_gensim": float(cn), "u_mass_gensim": float(um)}))


if __name__ == "__main__":
    if sys.argv[1] == "fit":
        fit(*sys.argv[2:5])
    else:
        npmi(sys.argv[2])

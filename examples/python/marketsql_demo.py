#!/usr/bin/python3
"""marketsql from Python: segments, recommendations and topics on Online Retail.

The loadable extension gives Python's own sqlite3 module every marketsql
function; pandas reads the data and gets the results back as DataFrames.
Needs Debian's python3 and python3-pandas, and the extension (make extension):

    make extension
    /usr/bin/python3 examples/python/marketsql_demo.py

Options: --extension PATH (default bin/marketsql, without .so, beside this
checkout; or $MARKETSQL_EXTENSION), --csv PATH (default the bundled
testdata/online-retail/online_retail.csv.gz), --db PATH (default in memory),
--rows N (read only the first N rows of the CSV), --json (print a
machine-readable summary as the last line).
"""

import argparse
import json
import os
import sqlite3
import sys

import numpy as np
import pandas as pd

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extension", default=os.environ.get("MARKETSQL_EXTENSION", os.path.join(ROOT, "bin", "marketsql")))
    ap.add_argument("--csv", default=os.path.join(ROOT, "testdata", "online-retail", "online_retail.csv.gz"))
    ap.add_argument("--db", default=":memory:")
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)

    # Load the extension into an ordinary sqlite3 connection.
    conn = sqlite3.connect(args.db)
    conn.enable_load_extension(True)
    try:
        conn.load_extension(args.extension)
    except sqlite3.OperationalError as e:
        sys.exit("cannot load the marketsql extension %r (build it with make extension): %s" % (args.extension, e))
    conn.enable_load_extension(False)
    print("SQLite %s with marketsql loaded from %s" % (sqlite3.sqlite_version, args.extension))

    # The data, cleaned with pandas: purchases with a customer, no
    # cancellations or returns, positive prices, real products.
    raw = pd.read_csv(args.csv, dtype={"InvoiceNo": str, "StockCode": str, "Description": str}, nrows=args.rows)
    sales = raw[raw.CustomerID.notna()
                & ~raw.InvoiceNo.str.startswith("C")
                & (raw.Quantity > 0) & (raw.UnitPrice > 0)
                & ~raw.StockCode.isin(["POST", "DOT", "M", "m", "C2", "D", "S", "BANK CHARGES",
                                       "AMAZONFEE", "CRUK", "PADS", "B"])
                & ~raw.StockCode.str.startswith("DCGS")
                & ~raw.StockCode.str.startswith("gift_0001_")]
    sales = pd.DataFrame({
        "customer_id": sales.CustomerID.astype("int64"),
        "invoice_no": sales.InvoiceNo,
        "stock_code": sales.StockCode,
        "description": sales.Description.fillna("").str.strip(),
        "quantity": sales.Quantity,
        "amount": sales.Quantity * sales.UnitPrice,
        "invoice_date": pd.to_datetime(sales.InvoiceDate),
    })
    sales[["customer_id", "stock_code", "description"]].to_sql("purchases", conn, index=False, if_exists="replace")
    print("%d purchase lines of %d customers and %d products" %
          (len(sales), sales.customer_id.nunique(), sales.stock_code.nunique()))

    # Recency, frequency and monetary value per customer, on a log scale.
    end = pd.Timestamp("2011-12-10")
    rfm = sales.groupby("customer_id").agg(
        recency=("invoice_date", lambda d: (end - d.max().normalize()).days),
        frequency=("invoice_no", "nunique"),
        monetary=("amount", "sum")).reset_index()
    rfm_log = pd.DataFrame({"customer_id": rfm.customer_id, "log_recency": np.log(rfm.recency),
                            "log_frequency": np.log(rfm.frequency), "log_monetary": np.log(rfm.monetary)})
    rfm.to_sql("customer_rfm", conn, index=False, if_exists="replace")
    rfm_log.to_sql("rfm_log", conn, index=False, if_exists="replace")

    # Segments: train k-means in SQL, score every customer into a DataFrame.
    k = 4
    summary = json.loads(conn.execute(
        "SELECT kmeans_train('segments', 'rfm_log', json_object('k', ?, 'n_init', 10))", (k,)).fetchone()[0])
    print("\nk-means: %d customers in %d segments, sizes %s, silhouette %.3f" %
          (summary["rows"], summary["k"], summary["sizes"], summary["silhouette"]))
    scored = pd.read_sql(
        "SELECT customer_id, kmeans_assign('segments', log_recency, log_frequency, log_monetary) AS segment,"
        "       kmeans_distance('segments', log_recency, log_frequency, log_monetary) AS distance FROM rfm_log",
        conn)
    segments = scored.merge(rfm, on="customer_id").groupby("segment").agg(
        customers=("customer_id", "size"), avg_recency_days=("recency", "mean"),
        avg_orders=("frequency", "mean"), avg_spend=("monetary", "mean")).round(1)
    print(segments.to_string())

    # Recommendations: train in SQL, read the top 5 for one customer.
    customer = 17850
    rec = json.loads(conn.execute(
        "SELECT recommend_train('recs', 'SELECT customer_id, stock_code FROM purchases', '{\"method\": \"item_knn\"}')").fetchone()[0])
    print("\nrecommendations: %d customers, %d products, %d purchases" % (rec["users"], rec["items"], rec["interactions"]))
    top = pd.read_sql(
        "SELECT r.rank, r.item AS stock_code, r.score, r.reason,"
        "       (SELECT description FROM purchases p WHERE p.stock_code = r.item LIMIT 1) AS description"
        " FROM recommend('recs', ?, 5) r ORDER BY r.rank", conn, params=(customer,))
    print("top 5 for customer %d:" % customer)
    print(top.round(3).to_string(index=False))

    # Topics in what customers buy.
    lda = json.loads(conn.execute(
        "SELECT lda_train('interests', 'SELECT customer_id, group_concat(description, ''. '')"
        "  FROM (SELECT DISTINCT customer_id, description FROM purchases) GROUP BY customer_id',"
        " '{\"topics\": 5, \"passes\": 2, \"seed\": 1}')").fetchone()[0])
    print("\nLDA: %d customers, %d words, perplexity %.1f" % (lda["docs"], lda["vocabulary"], lda["perplexity"]))
    topics = pd.read_sql("SELECT topic, rank, word, weight FROM lda_topics('interests', 6)", conn)
    words = topics.sort_values(["topic", "rank"]).groupby("topic").word.apply(" ".join)
    print(words.to_string())

    if args.json:
        known = set(sales.stock_code)
        print(json.dumps({
            "sqlite_version": sqlite3.sqlite_version,
            "customers": int(sales.customer_id.nunique()),
            "scored": int(len(scored)),
            "scored_null": int(scored.segment.isna().sum()),
            "k": k,
            "segments": sorted(int(s) for s in scored.segment.dropna().unique()),
            "segment_sizes": [int(n) for n in scored.segment.value_counts().sort_index()],
            "trained_sizes": summary["sizes"],
            "recommended": list(top.stock_code),
            "recommended_known": all(s in known for s in top.stock_code),
            "recommended_already_bought": int(top.stock_code.isin(set(sales.stock_code[sales.customer_id == customer])).sum()),
            "topics": int(topics.topic.nunique()),
            "topic_words": {int(t): w.split() for t, w in words.items()},
        }))
    conn.close()


if __name__ == "__main__":
    main()

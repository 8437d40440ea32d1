#!/usr/bin/python3
"""Writes the JSON fixtures for algorithms/kmeans metrics and scaler tests.

Run from anywhere with the system Python (scikit-learn 1.2.1, numpy):

    /usr/bin/python3 testdata/kmeans_metrics/make_fixtures.py

It writes, next to this script:

  wholesale.json  Wholesale customers (UCI #292, CC BY 4.0; see SOURCE.md), the six
                  spending columns of wholesale_customers_data.csv, standardized with
                  StandardScaler, labelled by KMeans(n_clusters=4, n_init=10,
                  random_state=0). The data are not stored: tests read the CSV.
  blobs.json      make_blobs(n_samples=2000, n_features=4, centers=5,
                  random_state=0) with its true labels; the data are stored.

Each holds the expected silhouette_score (full, and with sample_size=500,
random_state=0 for information only: numpy's RNG is not reproduced in Go),
davies_bouldin_score and calinski_harabasz_score, plus checks on weights by
repetition: with integer weights w (seeded), the scores of the data with row i
repeated w[i] times.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import (calinski_harabasz_score, davies_bouldin_score,
                             silhouette_score)
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
SPENDING = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]


def exact_silhouette(x, labels):
    """Silhouette with distances from direct differences (no ||a||^2+||b||^2-2ab)."""
    n = len(x)
    k = labels.max() + 1
    freqs = np.bincount(labels, minlength=k)
    s = np.zeros(n)
    for i in range(n):
        d = np.sqrt(((x - x[i]) ** 2).sum(axis=1))
        sums = np.bincount(labels, weights=d, minlength=k)
        own = labels[i]
        if freqs[own] <= 1:
            continue
        a = sums[own] / (freqs[own] - 1)
        other = np.delete(sums / freqs, own)
        b = other.min()
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float(s.mean())


def scores(x, labels, weights):
    rep = np.repeat(np.arange(len(x)), weights)
    xr, lr = x[rep], labels[rep]
    return {
        "silhouette": float(silhouette_score(x, labels)),
        "silhouette_exact_distances": exact_silhouette(x, labels),
        "silhouette_sample500_seed0": float(
            silhouette_score(x, labels, sample_size=500, random_state=0)),
        "davies_bouldin": float(davies_bouldin_score(x, labels)),
        "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
        "weights": [int(w) for w in weights],
        "repeated_davies_bouldin": float(davies_bouldin_score(xr, lr)),
        "repeated_calinski_harabasz": float(calinski_harabasz_score(xr, lr)),
        "repeated_silhouette": float(silhouette_score(xr, lr)),
        # Repeated rows are where ||a||^2+||b||^2-2ab hurts: copies of a row are
        # not at distance 0 (about sqrt(eps)*||a||), so also the exact value.
        "repeated_silhouette_exact_distances": exact_silhouette(xr, lr),
    }


def provenance(what):
    return {
        "generator": "testdata/kmeans_metrics/make_fixtures.py",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "what": what,
    }


def write(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def main():
    # Wholesale customers: 440 x 6 spending columns.
    raw = np.genfromtxt(os.path.join(HERE, "wholesale_customers_data.csv"),
                        delimiter=",", names=True)
    x = np.column_stack([raw[c] for c in SPENDING]).astype(float)
    scaler = StandardScaler().fit(x)
    xs = scaler.transform(x)
    labels = KMeans(n_clusters=4, n_init=10, random_state=0).fit(xs).labels_
    w = np.random.RandomState(1).randint(1, 4, size=len(xs))
    out = {"provenance": provenance(
        "Wholesale customers CSV (UCI #292, CC BY 4.0), columns " + ",".join(SPENDING)
        + "; StandardScaler; labels from KMeans(n_clusters=4, n_init=10, random_state=0); "
        "weights from RandomState(1).randint(1, 4)"),
        "columns": SPENDING,
        "k": 4,
        "scaler_mean": scaler.mean_.tolist(),
        "scaler_scale": scaler.scale_.tolist(),
        "labels": labels.tolist()}
    out.update(scores(xs, labels, w))
    write("wholesale.json", out)

    # Seeded blobs: 2000 x 4, 5 centres, true labels.
    xb, yb = make_blobs(n_samples=2000, n_features=4, centers=5, random_state=0)
    w = np.random.RandomState(2).randint(1, 4, size=len(xb))
    out = {"provenance": provenance(
        "make_blobs(n_samples=2000, n_features=4, centers=5, random_state=0), true labels; "
        "weights from RandomState(2).randint(1, 4)"),
        "k": 5,
        "x": xb.tolist(),
        "labels": yb.tolist()}
    out.update(scores(xb, yb, w))
    write("blobs.json", out)


if __name__ == "__main__":
    main()

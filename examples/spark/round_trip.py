"""Train on Spark, serve in SQLite: the whole round trip.

THIS SCRIPT IS NOT RUN BY THE TESTS. It needs PySpark (pip install pyspark), which
the project's test machines do not have; the importer is tested instead on models
saved by real Spark installations (3.0 to 3.5) and on files written by ml_export.
Run it yourself where Spark runs:

    spark-submit examples/spark/round_trip.py shop.db

It trains k-means, ALS and LDA on small inline data, saves each model with
model.save(), then opens shop.db with Python's sqlite3, loads the marketsql
extension (bin/marketsql.so, built by `make extension`), imports the three models
with ml_import and serves them with the same SQL functions as models trained in
marketsql. Finally it writes the ALS model back with ml_export and loads it in Spark.
"""

import os
import sqlite3
import sys
import tempfile

from pyspark.ml.clustering import KMeans, LDA
from pyspark.ml.feature import CountVectorizer, RegexTokenizer, StandardScaler, VectorAssembler
from pyspark.ml import Pipeline
from pyspark.ml.recommendation import ALS, ALSModel
from pyspark.sql import SparkSession

db_path = sys.argv[1] if len(sys.argv) > 1 else "shop.db"
out = tempfile.mkdtemp(prefix="marketsql-spark-")
spark = SparkSession.builder.appName("marketsql-round-trip").getOrCreate()

# 1. Segments: k-means on recency, frequency and monetary, standardized in the
#    pipeline. ml_import applies the StandardScalerModel stage and names the
#    features after the VectorAssembler's input columns.
rfm = spark.createDataFrame(
    [(1, 10.0, 2.0, 120.0), (2, 200.0, 1.0, 15.0), (3, 5.0, 30.0, 4000.0),
     (4, 12.0, 3.0, 150.0), (5, 180.0, 1.0, 20.0), (6, 7.0, 25.0, 3500.0)],
    ["customer_id", "recency", "frequency", "monetary"])
segments = Pipeline(stages=[
    VectorAssembler(inputCols=["recency", "frequency", "monetary"], outputCol="raw"),
    StandardScaler(inputCol="raw", outputCol="features", withMean=True, withStd=True),
    KMeans(k=3, seed=1),
]).fit(rfm)
segments.save(os.path.join(out, "segments"))

# 2. Recommendations: ALS on (user, item, rating); ids must be integers in Spark.
ratings = spark.createDataFrame(
    [(1, 10, 5.0), (1, 11, 3.0), (2, 10, 4.0), (2, 12, 5.0), (3, 11, 4.0), (3, 12, 2.0)],
    ["user", "item", "rating"])
als = ALS(rank=4, maxIter=10, regParam=0.1, userCol="user", itemCol="item", ratingCol="rating", seed=1).fit(ratings)
als.save(os.path.join(out, "als"))

# 3. Topics: online LDA on review text, with the CountVectorizer saved beside it.
reviews = spark.createDataFrame(
    [(1, "great coffee fast delivery"), (2, "coffee beans fresh aroma"),
     (3, "late delivery broken box"), (4, "box damaged delivery late")], ["id", "text"])
words = RegexTokenizer(inputCol="text", outputCol="words", pattern="\\W").transform(reviews)
cv = CountVectorizer(inputCol="words", outputCol="features").fit(words)
cv.save(os.path.join(out, "cv"))
lda = LDA(k=2, maxIter=20, optimizer="online", seed=1).fit(cv.transform(words))
lda.save(os.path.join(out, "lda"))

# 4. Serve them in SQLite.
conn = sqlite3.connect(db_path)
conn.enable_load_extension(True)
conn.load_extension("./bin/marketsql")
conn.enable_load_extension(False)
print(conn.execute("SELECT ml_import('segments', ?)", (os.path.join(out, "segments"),)).fetchone()[0])
print(conn.execute("SELECT ml_import('recs', ?)", (os.path.join(out, "als"),)).fetchone()[0])
print(conn.execute("SELECT ml_import('topics', ?, json_object('vocabulary', ?))",
                   (os.path.join(out, "lda"), os.path.join(out, "cv"))).fetchone()[0])
conn.commit()

# kmeans_assign takes the features in their own units; Spark's cluster c is c+1 here,
# and ml_kmeans_centroids.source_cluster maps back.
print(conn.execute("SELECT kmeans_assign('segments', 10, 2, 120)").fetchone())
print(conn.execute("SELECT DISTINCT cluster, source_cluster FROM ml_kmeans_centroids WHERE model = 'segments'").fetchall())
# recommend ranks like Spark's recommendForAllUsers (nothing is left out unless the
# training rows are given to ml_import as "interactions").
print(conn.execute("SELECT * FROM recommend('recs', 1, 3)").fetchall())
print(spark.createDataFrame([(1,)], ["user"]).transform(lambda d: als.recommendForUserSubset(d, 3)).collect())
print(conn.execute("SELECT * FROM lda_topics('topics', 3)").fetchall())

# 5. And back: the ALS model as Spark's ALSModel, k-means as PMML.
conn.execute("SELECT ml_export('recs', ?)", (os.path.join(out, "als-back"),))
conn.execute("SELECT ml_export('segments', ?)", (os.path.join(out, "segments.pmml"),))
back = ALSModel.load(os.path.join(out, "als-back"))
print(back.recommendForAllUsers(3).collect())
spark.stop()

package spark_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/seed-a084b42d/marketsql/interop/spark"
)

// A k-means model saved by Spark's RDD-based API (testdata/spark, Apache-2.0).
func ExampleRead() {
	m, err := spark.Read(filepath.Join("..", "..", "testdata", "spark", "mllib-kmeans-rdd", "model4"), spark.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Metadata.Class)
	for i, c := range m.KMeans.Centers {
		fmt.Println(i, c)
	}
	// Output:
	// org.apache.spark.mllib.clustering.KMeansModel
	// 0 [5 6 7]
	// 1 [1 2 3]
}

func ExampleWriteALS() {
	dir, _ := os.MkdirTemp("", "als")
	defer os.RemoveAll(dir)
	a := &spark.ALS{
		Rank:        2,
		UserIDs:     []int32{17850, 17851},
		UserFactors: []float32{0.5, -1, 2, 0.25},
		ItemIDs:     []int32{85123},
		ItemFactors: []float32{1, 1},
	}
	path := filepath.Join(dir, "recs")
	if err := spark.WriteALS(path, a, spark.ALSMeta{UID: "ALS_0123456789ab", ParamMap: map[string]any{"userCol": "customer_id"}}); err != nil {
		fmt.Println(err)
		return
	}
	m, err := spark.Read(path, spark.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Metadata.UID, m.ALS.Rank, m.ALS.UserIDs, m.ALS.UserFactors)
	// Output:
	// ALS_0123456789ab 2 [17850 17851] [0.5 -1 2 0.25]
}

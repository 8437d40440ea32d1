// Package examples_test runs the example SQL scripts end to end: the bundled
// Online Retail data is imported with the shell, RFM is computed by
// examples/rfm.sql, and segmentation is checked against scikit-learn.
package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/shell"
)

var (
	retailOnce sync.Once
	retailDB   string
	retailErr  error
)

// retail returns a database file with the Online Retail data imported as
// retail_raw and examples/rfm.sql applied; it is built once per test run.
func retail(t *testing.T) string {
	t.Helper()
	retailOnce.Do(func() {
		dir, err := os.MkdirTemp("", "marketsql-examples")
		if err != nil {
			retailErr = err
			return
		}
		retailDB = filepath.Join(dir, "retail.db")
		var stderr bytes.Buffer
		for _, sql := range []string{
			".import --csv ../testdata/online-retail/online_retail.csv.gz retail_raw",
			".read rfm.sql",
		} {
			if err := shell.Run(context.Background(), shell.Config{DBPath: retailDB, Args: []string{sql}}, nil, &bytes.Buffer{}, &stderr); err != nil {
				retailErr = err
				return
			}
		}
		if stderr.Len() > 0 {
			retailErr = fmt.Errorf("import printed errors: %s", stderr.String())
		}
	})
	if retailErr != nil {
		t.Fatalf("prepare Online Retail database: %v", retailErr)
	}
	return retailDB
}

func TestMain(m *testing.M) {
	code := m.Run()
	if retailDB != "" {
		os.RemoveAll(filepath.Dir(retailDB))
	}
	os.Exit(code)
}

type rfmFixture struct {
	Provenance  string    `json:"provenance"`
	Rows        int       `json:"rows"`
	FeatureSums []float64 `json:"feature_sums"`
	Results     []struct {
		K        int       `json:"k"`
		Inertias []float64 `json:"inertias"`
		Best     float64   `json:"best"`
	} `json:"results"`
}

// TestRFMInertiaMatchesScikitLearn: with k-means++ and n_init=10 our inertia
// on the Online Retail RFM table is within 1% of scikit-learn's best.
func TestRFMInertiaMatchesScikitLearn(t *testing.T) {
	// expected: testdata/kmeans_rfm/make_fixture.py, scikit-learn 1.2.1
	// KMeans(init='k-means++', n_init=10, tol=1e-4) on StandardScaler(rfm_log).
	raw, err := os.ReadFile("../testdata/kmeans_rfm/rfm_sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx rfmFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(retail(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	// Same input as the reference, bit for bit up to summation order.
	var n int
	sums := make([]float64, 3)
	err = e.DB().QueryRow(`SELECT count(*), sum(log_recency), sum(log_frequency), sum(log_monetary) FROM rfm_log`).
		Scan(&n, &sums[0], &sums[1], &sums[2])
	if err != nil {
		t.Fatal(err)
	}
	if n != fx.Rows {
		t.Fatalf("rfm_log has %d rows, the reference %d", n, fx.Rows)
	}
	for j, s := range sums {
		if math.Abs(s-fx.FeatureSums[j]) > 1e-9*math.Abs(fx.FeatureSums[j]) {
			t.Fatalf("feature %d sums to %v, the reference to %v", j, s, fx.FeatureSums[j])
		}
	}
	for _, r := range fx.Results {
		t.Run(fmt.Sprintf("k=%d", r.K), func(t *testing.T) {
			opts := &engine.KMeansOptions{K: r.K, NInit: 10}
			m, err := e.TrainKMeans(context.Background(), "rfm_check", "rfm_log", opts)
			if err != nil {
				t.Fatal(err)
			}
			if m.Inertia > r.Best*1.01 {
				t.Errorf("inertia %.4f is more than 1%% above scikit-learn's best %.4f", m.Inertia, r.Best)
			}
			t.Logf("k=%d inertia %.4f, scikit-learn best %.4f (ratio %.5f)", r.K, m.Inertia, r.Best, m.Inertia/r.Best)
		})
	}
}

// TestDemoScript runs examples/demo.sql as `make demo` does and checks what
// it prints: the k chosen by silhouette, three readable segments and the
// customers' topics.
func TestDemoScript(t *testing.T) {
	src := retail(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data, 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("demo.sql")
	if err != nil {
		t.Fatal(err)
	}
	// demo.sql reads examples/rfm.sql relative to the repository root.
	wd, _ := os.Getwd()
	if err := os.Chdir(".."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	err = shell.Run(context.Background(), shell.Config{DBPath: db, Mode: "csv", Header: true}, bytes.NewReader(script), &stdout, &stderr)
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("demo failed: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"customers,avg_recency_days,avg_orders,avg_spend\n4334,",
		"model,k,customers,iterations,inertia,silhouette\nsegments,3,4334,",
		"loyal, active",
		"customers,words,perplexity,c_npmi\n3898,1824,",
		"topic,share,top_words\n1,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

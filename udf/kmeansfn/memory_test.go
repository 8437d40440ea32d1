package kmeansfn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

func matrix(n, d int, weighted bool) *core.Matrix {
	m := &core.Matrix{KeyColumn: "id", Keys: make([]any, n), X: make([]float64, n*d)}
	for j := range d {
		m.Features = append(m.Features, string(rune('a'+j)))
	}
	for i := range m.Keys {
		m.Keys[i] = int64(i)
		for j := range d {
			m.X[i*d+j] = float64((i*7919 + j*104729) % 1000)
		}
	}
	if weighted {
		m.Weights = make([]float64, n)
		for i := range m.Weights {
			m.Weights[i] = 1
		}
	}
	return m
}

// The estimate is the source plus the larger of the fit and the metrics,
// and says what to lower according to what dominates.
func TestEstimateMemory(t *testing.T) {
	t.Parallel()
	opt := Defaults()
	opt.K = 8
	if err := opt.validate("kmeans_train"); err != nil {
		t.Fatal(err)
	}
	const n, d = 100_000, 4
	m := matrix(n, d, false)
	e := estimateMemory(m, opt, 8, false)
	fit := kmeans.FitMemory(n, d, false, kmeansOptions(opt, 8))
	source := int64(8*n*d + 24*n)
	if e.total != source+fit.Total() {
		t.Errorf("total %d, want the source %d + the fit %d", e.total, source, fit.Total())
	}
	if !strings.Contains(e.how, "100,000 rows × 4 features, k = 8") || strings.Contains(e.lower, "algorithm") {
		t.Errorf("how %q, lower %q", e.how, e.lower)
	}

	opt.Algorithm = "elkan"
	e = estimateMemory(m, opt, 500, true)
	if !strings.Contains(e.how, "Elkan's bounds") || !strings.HasPrefix(e.lower, `"algorithm" ("hamerly"`) || !strings.Contains(e.lower, "k_max") {
		t.Errorf("Elkan: how %q, lower %q", e.how, e.lower)
	}
	if e.total < 8*n*500 {
		t.Errorf("Elkan estimate %d is below its n×k bounds", e.total)
	}

	// Explicit centroids or random init run no k-means++.
	opt.Algorithm, opt.Init = "auto", "random"
	if e := estimateMemory(m, opt, 8, false); strings.Contains(e.how, "k-means++") {
		t.Errorf("random init: %q", e.how)
	}
	opt.Init, opt.InitCentroids = "k-means++", make([][]float64, 8)
	if e := estimateMemory(m, opt, 8, false); strings.Contains(e.how, "k-means++") {
		t.Errorf("explicit init: %q", e.how)
	}
}

func TestBudgetOption(t *testing.T) {
	t.Parallel()
	opt, err := parseOptions("kmeans_train", `{"k": 2, "max_memory": "2GB"}`, true)
	if err != nil || opt.MaxMemory != 2e9 {
		t.Fatalf("max_memory: %v, %v", opt.MaxMemory, err)
	}
	if b := opt.budget(); b.Bytes != 2e9 || !b.Given {
		t.Errorf("budget %+v", b)
	}
	if b := (Options{}).budget(); b.Given || b.Bytes <= 0 {
		t.Errorf("default budget %+v", b)
	}
	opt = Defaults()
	opt.K, opt.MaxMemory = 2, -1
	if err := opt.validate("f"); err == nil || !strings.Contains(err.Error(), `"max_memory"`) {
		t.Errorf("negative MaxMemory: %v", err)
	}
}

// The passes over the whole source before clustering (moments, scaling)
// stop when the call's context ends.
func TestPrepareStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, weighted := range []bool{false, true} {
		for _, keep := range []bool{false, true} {
			_, err := prepare(ctx, "kmeans_train", matrix(1000, 3, weighted), Options{KeepScale: keep})
			if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "kmeans_train: interrupted") {
				t.Errorf("weighted %v keep %v: %v", weighted, keep, err)
			}
		}
	}
	p, err := prepare(context.Background(), "kmeans_train", matrix(1000, 3, false), Options{})
	if err != nil || p.maxAbs != 999 {
		t.Fatalf("prepare: %v, max %v", err, p.maxAbs)
	}
}

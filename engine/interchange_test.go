package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// TestImportExport: the Go twins of ml_import and ml_export.
func TestImportExport(t *testing.T) {
	ctx := context.Background()
	e, err := engine.Open(filepath.Join(t.TempDir(), "m.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := e.Import(ctx, "spark", "../testdata/spark/mllib-kmeans-rdd/model4", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != "kmeans" || s.K != 2 || len(s.Clusters) != 2 || s.Clusters[0].SourceCluster != int64(0) || s.Format != "spark" {
		t.Errorf("summary %+v", s)
	}
	s, err = e.Import(ctx, "named", "../testdata/spark/mllib-kmeans-rdd/model4", &engine.ImportOptions{Features: []string{"recency", "frequency", "monetary"}})
	if err != nil || s.Features[2] != "monetary" {
		t.Fatalf("features %v: %v", s, err)
	}
	path := filepath.Join(t.TempDir(), "named.pmml")
	x, err := e.Export(ctx, "named", path, nil)
	if err != nil || x.Format != "pmml" || x.Kind != "kmeans" {
		t.Fatalf("export %+v: %v", x, err)
	}
	if _, err := e.Export(ctx, "named", path, nil); err == nil {
		t.Errorf("exporting over an existing file without overwrite succeeded")
	}
	if _, err := e.Export(ctx, "named", path, &engine.ExportOptions{Overwrite: true}); err != nil {
		t.Errorf("overwrite: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
	back, err := e.Import(ctx, "back", path, nil)
	if err != nil || back.Format != "pmml" || back.Features[0] != "recency" {
		t.Fatalf("re-import %+v: %v", back, err)
	}
	var a, b int64
	if err := e.DB().QueryRow(`SELECT kmeans_assign('named', 4, 5, 6), kmeans_assign('back', 4, 5, 6)`).Scan(&a, &b); err != nil || a != b {
		t.Errorf("assignments %d %d (%v)", a, b, err)
	}
	if _, err := e.Export(ctx, "nope", path+"2", nil); !errors.Is(err, engine.ErrModelNotFound) {
		t.Errorf("export of a missing model: %v", err)
	}
}

package engine

import (
	"context"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/interchangefn"
)

// ImportOptions are ml_import's options (see the README's "Train on Spark,
// serve in SQLite").
type ImportOptions = interchangefn.ImportOptions

// ImportSummary is what an import read and stored: ml_import's JSON summary.
type ImportSummary = interchangefn.ImportSummary

// ExportOptions are ml_export's options.
type ExportOptions = interchangefn.ExportOptions

// ExportSummary is what an export wrote: ml_export's JSON summary.
type ExportSummary = interchangefn.ExportSummary

// Import reads a Spark ML saved model directory or a PMML k-means file at
// path and stores it as model name, exactly as ml_import does: the model
// is then served by its family's functions. An existing model of that name
// is replaced atomically. It fails when the engine was opened with
// NoFileAccess.
func (e *Engine) Import(ctx context.Context, name, path string, opts *ImportOptions) (*ImportSummary, error) {
	if opts == nil {
		opts = &ImportOptions{}
	}
	var s *ImportSummary
	err := e.withConn(ctx, "Import", nil, func(c *core.Conn) error {
		var err error
		s, err = interchangefn.Import(c, "Import", name, path, *opts)
		return err
	})
	return s, err
}

// Export writes model name for other systems, exactly as ml_export does: a
// k-means model as a PMML file, an ALS recommender as a Spark ALSModel
// directory. It fails when the engine was opened with NoFileAccess.
func (e *Engine) Export(ctx context.Context, name, path string, opts *ExportOptions) (*ExportSummary, error) {
	if opts == nil {
		opts = &ExportOptions{}
	}
	var s *ExportSummary
	err := e.withConn(ctx, "Export", nil, func(c *core.Conn) error {
		var err error
		s, err = interchangefn.Export(c, "Export", name, path, *opts)
		return err
	})
	return s, err
}

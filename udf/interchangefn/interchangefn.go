// Package interchangefn is the SQL surface of model interchange: models
// trained elsewhere come in, models trained here go out.
//
//	ml_import(model, path [, options])   read a Spark ML saved model or a PMML k-means model and store it; JSON summary
//	ml_export(model, path [, options])   write a k-means model as PMML, an ALS recommender as a Spark ALSModel; JSON summary
//
// Both touch the file system, so SQLite allows them only in top-level SQL
// (never from a view or trigger), and a host can switch them off.
package interchangefn

import (
	"encoding/json"
	"fmt"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Functions is the interchange family's SQL surface.
var Functions = []core.Function{
	{Name: "ml_import", Writes: true, Files: true, Signature: "ml_import(model, path [, options])",
		Summary: "store a model trained elsewhere: a Spark ML saved model directory (KMeans, ALS, LocalLDA, a PipelineModel holding one) or a PMML k-means file; returns a JSON summary",
		Scalar:  importSQL},
	{Name: "ml_export", Files: true, Signature: "ml_export(model, path [, options])",
		Summary: "write a model for other systems: k-means as a PMML file, an ALS recommender as a Spark ALSModel directory; returns a JSON summary",
		Scalar:  exportSQL},
}

// Register adds the interchange functions to a connection.
func Register(c *core.Conn) error { return core.Register(c, Functions) }

// args reads (model, path [, options]), the arguments of both functions.
func args(fn string, vals []any) (name, path string, options any, err error) {
	if len(vals) < 2 || len(vals) > 3 {
		return "", "", nil, core.Errorf(fn, "takes (model, path [, options]), got %d arguments", len(vals))
	}
	if name, err = core.Text(fn, "model", vals[0]); err != nil {
		return "", "", nil, err
	}
	if path, err = core.Text(fn, "path", vals[1]); err != nil {
		return "", "", nil, err
	}
	if len(vals) == 3 {
		options = vals[2]
	}
	return name, path, options, nil
}

func importSQL(c *core.Conn, vals []any) (any, error) {
	const fn = "ml_import"
	name, path, options, err := args(fn, vals)
	if err != nil {
		return nil, err
	}
	opt, err := ParseImportOptions(fn, options)
	if err != nil {
		return nil, err
	}
	s, err := Import(c, fn, name, path, opt)
	if err != nil {
		return nil, err
	}
	return jsonText(fn, s)
}

func exportSQL(c *core.Conn, vals []any) (any, error) {
	const fn = "ml_export"
	name, path, options, err := args(fn, vals)
	if err != nil {
		return nil, err
	}
	opt, err := ParseExportOptions(fn, options)
	if err != nil {
		return nil, err
	}
	s, err := Export(c, fn, name, path, opt)
	if err != nil {
		return nil, err
	}
	return jsonText(fn, s)
}

func jsonText(fn string, v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, core.Errorf(fn, "cannot write the summary: %v", err)
	}
	return string(b), nil
}

// ImportOptions are ml_import's options.
type ImportOptions struct {
	// Vocabulary is the directory of the Spark CountVectorizerModel whose
	// vocabulary an LDA model's rows are ("vocabulary").
	Vocabulary string
	// Features name a k-means model's features, in order ("features"); a
	// Spark model's default to x1..xd (the names of a VectorAssembler
	// stage's input columns when the pipeline has one), a PMML model's are
	// its field names.
	Features []string
	// Interactions is a source of (user, item[, weight]) rows the ALS model
	// was trained on ("interactions"): recommend then leaves out what a
	// user already has, as for a model trained here.
	Interactions string
}

// ParseImportOptions reads ml_import's options JSON.
func ParseImportOptions(fn string, v any) (ImportOptions, error) {
	var opt ImportOptions
	o, err := core.ParseOptions(fn, v, []string{"vocabulary", "features", "interactions"})
	if err != nil {
		return opt, err
	}
	opt.Vocabulary = o.String("vocabulary", "")
	opt.Interactions = o.String("interactions", "")
	if raw := o.Raw("features"); raw != nil {
		if err := json.Unmarshal(raw, &opt.Features); err != nil || len(opt.Features) == 0 {
			return opt, core.Errorf(fn, "option \"features\" must be a non-empty JSON array of names, got %s", raw)
		}
		for i, f := range opt.Features {
			if f == "" {
				return opt, core.Errorf(fn, "option \"features\": name %d is empty", i+1)
			}
		}
	}
	return opt, o.Err()
}

// ExportOptions are ml_export's options.
type ExportOptions struct {
	// Overwrite replaces what is at the path ("overwrite"); without it an
	// existing path is an error, as Spark's save is.
	Overwrite bool
}

// ParseExportOptions reads ml_export's options JSON.
func ParseExportOptions(fn string, v any) (ExportOptions, error) {
	var opt ExportOptions
	o, err := core.ParseOptions(fn, v, []string{"overwrite"})
	if err != nil {
		return opt, err
	}
	opt.Overwrite = o.Bool("overwrite", false)
	return opt, o.Err()
}

// quotePath quotes a path for a message.
func quotePath(p string) string { return fmt.Sprintf("%q", p) }

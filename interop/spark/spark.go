// Package spark reads models saved by Apache Spark ML (model.save(path)) and
// writes an ALS model in Spark's own layout, so that a model trained on a
// Spark cluster can be used here and a recommender trained here can be loaded
// by Spark with ALSModel.load.
//
// A saved model is a directory: metadata/part-* holds one JSON line (class,
// Spark version, uid, parameters) and the model's numbers are Parquet files
// under data/ (or userFactors/ and itemFactors/ for ALS). A PipelineModel
// keeps each stage as a saved model of its own under stages/. Read accepts a
// model directory or a pipeline directory and returns the numbers as plain
// slices; it knows nothing of SQL.
//
// Read understands k-means (org.apache.spark.ml.clustering.KMeansModel and
// the older RDD-based org.apache.spark.mllib.clustering.KMeansModel), ALS
// (org.apache.spark.ml.recommendation.ALSModel) and LDA
// (org.apache.spark.ml.clustering.LocalLDAModel). Inside a pipeline it also
// reads the StandardScalerModel that feeds a k-means stage and the
// CountVectorizerModel whose vocabulary an LDA stage was trained on.
//
// Every error is a plain message without a function prefix; paths in it are
// built from the path the caller gave.
package spark

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Model classes as Spark writes them in the metadata's "class".
const (
	ClassKMeans          = "org.apache.spark.ml.clustering.KMeansModel"
	ClassMLlibKMeans     = "org.apache.spark.mllib.clustering.KMeansModel"
	ClassALS             = "org.apache.spark.ml.recommendation.ALSModel"
	ClassLocalLDA        = "org.apache.spark.ml.clustering.LocalLDAModel"
	ClassPipeline        = "org.apache.spark.ml.PipelineModel"
	ClassCountVectorizer = "org.apache.spark.ml.feature.CountVectorizerModel"
	ClassStandardScaler  = "org.apache.spark.ml.feature.StandardScalerModel"
	ClassVectorAssembler = "org.apache.spark.ml.feature.VectorAssembler"
)

// Supported lists the model classes Read turns into a model (for error messages).
var Supported = []string{ClassKMeans, ClassMLlibKMeans, ClassALS, ClassLocalLDA, ClassPipeline + " (with one of these as a stage)"}

// ErrUnsupported is wrapped by the error Read returns for a model class (or a
// pipeline without a stage) it cannot import, so callers can tell it from a
// damaged model with errors.Is.
var ErrUnsupported = errors.New("unsupported Spark model")

// Model is a saved Spark model as Read found it. Exactly one of KMeans, ALS
// and LDA is set.
type Model struct {
	// Path is the path given to Read. For a model that came from a pipeline
	// it is the pipeline's directory; the stage is Path/stages/Stage.
	Path string
	// Metadata is the model's own metadata (the stage's, when it came from a
	// pipeline).
	Metadata Metadata
	// Pipeline is the PipelineModel's metadata when the model is one of its
	// stages, else nil.
	Pipeline *Metadata
	// Stage is the stage directory name inside the pipeline, else "". A stage
	// of a pipeline nested in a pipeline is named outer/stages/inner.
	Stage string
	// InputColumns are the inputCols of the VectorAssembler stage nearest
	// before the model in its pipeline: the names of the feature vector's
	// elements when each input column is a number. nil when there is none.
	InputColumns []string

	KMeans *KMeans
	ALS    *ALS
	LDA    *LDA
}

// KMeans is a k-means model: its cluster centres.
type KMeans struct {
	// Centers[i] is Spark's cluster i (clusterIdx, or the mllib index); all
	// centres have the same length.
	Centers [][]float64
	// DistanceMeasure is "euclidean"; Read refuses Spark's "cosine".
	DistanceMeasure string
	// Scaler is the StandardScalerModel stage that feeds the k-means stage in
	// a pipeline, else nil. Spark's centres live in the scaled space.
	Scaler *Scaler
}

// Scaler is a StandardScalerModel: Spark maps x to (x - Mean) / Std, taking
// the subtraction only when WithMean and the division only when WithStd (a
// zero Std gives 0).
type Scaler struct {
	Mean, Std         []float64
	WithMean, WithStd bool
}

// ALS is a matrix factorization model: a user's predicted preference for an
// item is the dot product of their factor rows.
type ALS struct {
	Rank        int
	UserIDs     []int32   // ascending
	UserFactors []float32 // len(UserIDs)*Rank, row-major, in UserIDs order
	ItemIDs     []int32   // ascending
	ItemFactors []float32 // len(ItemIDs)*Rank, row-major, in ItemIDs order
}

// LDA is a LocalLDAModel (online variational Bayes).
type LDA struct {
	K, VocabSize int
	// Lambda holds the topic-word parameters term-major: Lambda[w*K+k] is
	// Spark's topicsMatrix(w, k). Normalize a topic's column to get its word
	// distribution.
	Lambda             []float64
	DocConcentration   []float64 // K values (alpha)
	TopicConcentration float64   // eta
	GammaShape         float64
	// Vocabulary is term w's text, from ReadOptions.Vocabulary or from a
	// CountVectorizerModel stage before the LDA stage; nil if neither.
	Vocabulary []string
}

// ReadOptions adjusts Read. The zero value reads the model alone.
type ReadOptions struct {
	// Vocabulary is the path of a saved CountVectorizerModel whose vocabulary
	// an LDA model was trained on; "" for none. It takes precedence over a
	// CountVectorizerModel stage of a pipeline.
	Vocabulary string
	// Check, if set, is polled between files and every few thousand values;
	// its error aborts Read and is returned as it is (interrupts).
	Check func() error
	// Stage picks the stage of a pipeline to import, by directory name
	// (1_KMeans_c441f7b5d16f) or uid (KMeans_c441f7b5d16f). "" takes the last
	// stage Read can import.
	Stage string
}

// Read reads the saved model at path: a model directory or a PipelineModel
// directory, as given to Spark's model.save().
func Read(path string, opt ReadOptions) (m *Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%s: cannot read the model, a file in it is damaged (%v)", path, r)
		}
	}()
	r := &reader{check: opt.Check}
	if err := statDir(path); err != nil {
		return nil, err
	}
	meta, err := readMetadata(path)
	if err != nil {
		return nil, err
	}
	if meta.Class == ClassPipeline {
		return r.readPipeline(path, meta, opt)
	}
	if !importable(meta.Class) {
		return nil, fmt.Errorf("%s is a saved %s, which cannot be imported; supported: %s: %w",
			path, meta.Class, strings.Join(Supported, ", "), ErrUnsupported)
	}
	m = &Model{Path: path, Metadata: *meta}
	if err := r.readModel(m, path, meta); err != nil {
		return nil, err
	}
	if m.LDA != nil && opt.Vocabulary != "" {
		if err := r.attachVocabulary(m.LDA, opt.Vocabulary); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// importable reports whether Read turns a model of class into a Model.
func importable(class string) bool {
	switch class {
	case ClassKMeans, ClassMLlibKMeans, ClassALS, ClassLocalLDA:
		return true
	}
	return false
}

// reader carries what every step of one Read needs.
type reader struct {
	check func() error
	buf   []parquet.Value // reused by every column read
}

func (r *reader) poll() error {
	if r.check == nil {
		return nil
	}
	return r.check()
}

// readModel fills m from the model directory dir whose metadata is meta.
func (r *reader) readModel(m *Model, dir string, meta *Metadata) error {
	var err error
	switch meta.Class {
	case ClassKMeans:
		m.KMeans, err = r.readKMeans(dir, meta)
	case ClassMLlibKMeans:
		m.KMeans, err = r.readMLlibKMeans(dir, meta)
	case ClassALS:
		m.ALS, err = r.readALS(dir, meta)
	case ClassLocalLDA:
		m.LDA, err = r.readLDA(dir, meta)
	default:
		err = fmt.Errorf("%s is a saved %s, which cannot be imported: %w", dir, meta.Class, ErrUnsupported)
	}
	return err
}

// statDir checks that path is an existing directory.
func statDir(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s does not exist; give the directory passed to Spark's model.save()", path)
	case err != nil:
		return fmt.Errorf("cannot open %s: %w", path, unwrapPathError(err))
	case !st.IsDir():
		return fmt.Errorf("%s is a file, not a directory; a Spark model is the directory passed to model.save()", path)
	}
	return nil
}

// unwrapPathError drops the operation and path of an *os.PathError, which the
// messages here already name.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// join is filepath.Join that keeps the caller's spelling of base.
func join(base string, elem ...string) string {
	return filepath.Join(append([]string{base}, elem...)...)
}

package spark

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// maxVectorSize bounds the size a sparse vector may declare.
const maxVectorSize = 1 << 26

// vectorSpecs are the columns of Spark's vector struct (VectorUDT) named prefix.
func vectorSpecs(prefix string) []colSpec {
	return []colSpec{
		{path: prefix + ".type", kind: kindInt},
		{path: prefix + ".size", kind: kindInt},
		{path: prefix + ".indices", kind: kindInt},
		{path: prefix + ".values", kind: kindFloat64},
	}
}

// vector returns row r of the vector struct prefix as a dense slice. Type 1
// is dense (values only); type 0 is sparse (size, indices, values).
func (t *table) vector(prefix string, r int) ([]float64, error) {
	typ, vals := t.col(prefix+".type"), t.col(prefix+".values")
	if typ.null(r) {
		return nil, fmt.Errorf("%s is null", prefix)
	}
	if vals.null(r) {
		return nil, fmt.Errorf("%s has no values", prefix)
	}
	lo, hi := vals.span(r)
	switch typ.i64[r] {
	case 1:
		return append([]float64(nil), vals.f64[lo:hi]...), nil
	case 0:
		size, ok := t.col(prefix + ".size").scalarInt(r)
		if !ok {
			return nil, fmt.Errorf("%s is a sparse vector without a size", prefix)
		}
		if size < 0 || size > maxVectorSize {
			return nil, fmt.Errorf("%s is a sparse vector of size %d", prefix, size)
		}
		idx := t.col(prefix + ".indices")
		if idx.null(r) {
			return nil, fmt.Errorf("%s is a sparse vector without indices", prefix)
		}
		ilo, ihi := idx.span(r)
		if ihi-ilo != hi-lo {
			return nil, fmt.Errorf("%s is a sparse vector with %d indices but %d values", prefix, ihi-ilo, hi-lo)
		}
		dense := make([]float64, size)
		seen := make([]bool, size)
		for j := range hi - lo {
			i := idx.i64[ilo+j]
			if i < 0 || i >= size {
				return nil, fmt.Errorf("%s is a sparse vector of size %d with index %d out of range", prefix, size, i)
			}
			if seen[i] {
				return nil, fmt.Errorf("%s is a sparse vector with index %d twice", prefix, i)
			}
			seen[i] = true
			dense[i] = vals.f64[lo+j]
		}
		return dense, nil
	default:
		return nil, fmt.Errorf("%s has vector type %d; Spark writes 0 (sparse) or 1 (dense)", prefix, typ.i64[r])
	}
}

// firstNonFinite returns the index of the first NaN or infinite value, or -1.
func firstNonFinite(x []float64) int {
	for i, v := range x {
		if !finite(v) {
			return i
		}
	}
	return -1
}

// distanceMeasure returns the k-means distance measure of params, refusing
// anything but Euclidean.
func distanceMeasure(dir string, params map[string]any) (string, error) {
	dm := stringParam(params, "distanceMeasure")
	if dm == "" {
		dm = "euclidean"
	}
	if dm != "euclidean" {
		return "", fmt.Errorf("%s is a k-means model with distanceMeasure %q; only \"euclidean\" k-means models can be imported: %w", dir, dm, ErrUnsupported)
	}
	return dm, nil
}

func (r *reader) readKMeans(dir string, meta *Metadata) (*KMeans, error) {
	dm, err := distanceMeasure(dir, meta.Params())
	if err != nil {
		return nil, err
	}
	return r.readCenters(dir, "clusterIdx", "clusterCenter", -1, dm)
}

func (r *reader) readMLlibKMeans(dir string, meta *Metadata) (*KMeans, error) {
	dm, err := distanceMeasure(dir, meta.Fields)
	if err != nil {
		return nil, err
	}
	k, ok, err := intParam(meta.Fields, "k")
	if err != nil {
		return nil, fmt.Errorf("%s: metadata %v", dir, err)
	}
	if !ok {
		return nil, fmt.Errorf(`%s: metadata has no "k"; an mllib KMeansModel records its number of clusters there`, dir)
	}
	return r.readCenters(dir, "id", "point", k, dm)
}

// readCenters reads k-means centres from dir/data: an index column and a
// vector column. k < 0 takes the number of rows.
func (r *reader) readCenters(dir, idxCol, vecCol string, k int64, dm string) (*KMeans, error) {
	data := join(dir, "data")
	t, err := r.readTable(data, append([]colSpec{{path: idxCol, kind: kindInt}}, vectorSpecs(vecCol)...))
	if err != nil {
		return nil, err
	}
	if k >= 0 && int64(t.rows) != k {
		return nil, fmt.Errorf("%s holds %d cluster centres but the metadata says k = %d", data, t.rows, k)
	}
	if t.rows == 0 {
		return nil, fmt.Errorf("%s holds no cluster centres", data)
	}
	centers := make([][]float64, t.rows)
	idx := t.col(idxCol)
	for row := range t.rows {
		i, ok := idx.scalarInt(row)
		if !ok || i < 0 || i >= int64(t.rows) {
			return nil, fmt.Errorf("%s: row %d has cluster index %v; expected 0 to %d", data, row, nullable(i, ok), t.rows-1)
		}
		if centers[i] != nil {
			return nil, fmt.Errorf("%s: cluster %d appears twice", data, i)
		}
		c, err := t.vector(vecCol, row)
		if err != nil {
			return nil, fmt.Errorf("%s: cluster %d: %v", data, i, err)
		}
		if j := firstNonFinite(c); j >= 0 {
			return nil, fmt.Errorf("%s: the centre of cluster %d is %v in dimension %d; every value must be finite", data, i, c[j], j)
		}
		centers[i] = c
	}
	for i, c := range centers {
		if len(c) != len(centers[0]) {
			return nil, fmt.Errorf("%s: cluster %d has %d dimensions but cluster 0 has %d; every centre must have the same dimension", data, i, len(c), len(centers[0]))
		}
	}
	if len(centers[0]) == 0 {
		return nil, fmt.Errorf("%s: the cluster centres have no dimensions", data)
	}
	return &KMeans{Centers: centers, DistanceMeasure: dm}, nil
}

func nullable(v int64, ok bool) any {
	if !ok {
		return "null"
	}
	return v
}

func (r *reader) readALS(dir string, meta *Metadata) (*ALS, error) {
	rank, ok, err := intParam(meta.Fields, "rank")
	if err != nil {
		return nil, fmt.Errorf("%s: metadata %v", dir, err)
	}
	if !ok {
		return nil, fmt.Errorf(`%s: metadata has no "rank"; an ALSModel records its rank there`, dir)
	}
	if rank <= 0 || rank > 1<<16 {
		return nil, fmt.Errorf("%s: metadata rank %d is out of range", dir, rank)
	}
	a := &ALS{Rank: int(rank)}
	if a.UserIDs, a.UserFactors, err = r.readFactors(join(dir, "userFactors"), "user", a.Rank); err != nil {
		return nil, err
	}
	if a.ItemIDs, a.ItemFactors, err = r.readFactors(join(dir, "itemFactors"), "item", a.Rank); err != nil {
		return nil, err
	}
	return a, nil
}

// readFactors reads an ALS factor table (id, features) sorted by id.
func (r *reader) readFactors(dir, what string, rank int) ([]int32, []float32, error) {
	t, err := r.readTable(dir, []colSpec{{path: "id", kind: kindInt}, {path: "features", kind: kindFloat32}})
	if err != nil {
		return nil, nil, err
	}
	idc, fc := t.col("id"), t.col("features")
	ids := make([]int32, t.rows)
	for row := range t.rows {
		id, ok := idc.scalarInt(row)
		if !ok || id < math.MinInt32 || id > math.MaxInt32 {
			return nil, nil, fmt.Errorf("%s: row %d has %s id %v; ALS ids are 32-bit integers", dir, row, what, nullable(id, ok))
		}
		ids[row] = int32(id)
		if fc.null(row) {
			return nil, nil, fmt.Errorf("%s: %s %d has no features", dir, what, id)
		}
		lo, hi := fc.span(row)
		if hi-lo != rank {
			return nil, nil, fmt.Errorf("%s: %s %d has %d features but the metadata says rank %d", dir, what, id, hi-lo, rank)
		}
		for j, v := range fc.f32[lo:hi] {
			if !finite(float64(v)) {
				return nil, nil, fmt.Errorf("%s: factor %d of %s %d is %v; every factor must be finite", dir, j, what, id, v)
			}
		}
	}
	factors := fc.f32
	if len(factors) != t.rows*rank {
		return nil, nil, fmt.Errorf("%s: %d factors for %d %ss of rank %d", dir, len(factors), t.rows, what, rank)
	}
	if !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] < ids[j] }) {
		perm := make([]int32, len(ids))
		for i := range perm {
			perm[i] = int32(i)
		}
		sort.Slice(perm, func(i, j int) bool { return ids[perm[i]] < ids[perm[j]] })
		sorted := make([]int32, len(ids))
		sf := make([]float32, len(factors))
		for i, p := range perm {
			sorted[i] = ids[p]
			copy(sf[i*rank:(i+1)*rank], factors[int(p)*rank:(int(p)+1)*rank])
		}
		ids, factors = sorted, sf
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			return nil, nil, fmt.Errorf("%s: %s id %d appears twice", dir, what, ids[i])
		}
	}
	return ids, factors, nil
}

// matrixSpecs are the columns of Spark's matrix struct (MatrixUDT) named prefix.
func matrixSpecs(prefix string) []colSpec {
	return []colSpec{
		{path: prefix + ".type", kind: kindInt},
		{path: prefix + ".numRows", kind: kindInt},
		{path: prefix + ".numCols", kind: kindInt},
		{path: prefix + ".colPtrs", kind: kindInt},
		{path: prefix + ".rowIndices", kind: kindInt},
		{path: prefix + ".values", kind: kindFloat64},
		{path: prefix + ".isTransposed", kind: kindBool},
	}
}

// maxMatrixSize bounds the cells of a matrix.
const maxMatrixSize = 1 << 28

// matrixTermMajor returns row r of the matrix struct prefix as a dense
// row-major slice (M(i, j) at i*cols+j). Type 1 is dense (column-major
// values, row-major when transposed); type 0 is sparse (CSC, CSR when
// transposed).
func (t *table) matrixRowMajor(prefix string, r int) (rows, cols int, m []float64, err error) {
	typ, nr, nc := t.col(prefix+".type"), t.col(prefix+".numRows"), t.col(prefix+".numCols")
	vals, tr := t.col(prefix+".values"), t.col(prefix+".isTransposed")
	if typ.null(r) || nr.null(r) || nc.null(r) || vals.null(r) {
		return 0, 0, nil, fmt.Errorf("%s is null or incomplete", prefix)
	}
	R, C := nr.i64[r], nc.i64[r]
	if R < 0 || C < 0 || R*C > maxMatrixSize {
		return 0, 0, nil, fmt.Errorf("%s has shape %d x %d", prefix, R, C)
	}
	rows, cols = int(R), int(C)
	transposed := !tr.null(r) && tr.b[r]
	lo, hi := vals.span(r)
	v := vals.f64[lo:hi]
	m = make([]float64, rows*cols)
	switch typ.i64[r] {
	case 1:
		if len(v) != rows*cols {
			return 0, 0, nil, fmt.Errorf("%s is %d x %d but holds %d values", prefix, rows, cols, len(v))
		}
		if transposed {
			copy(m, v)
		} else {
			for j := range cols {
				col := v[j*rows : (j+1)*rows]
				for i, x := range col {
					m[i*cols+j] = x
				}
			}
		}
	case 0:
		ptr, ind := t.col(prefix+".colPtrs"), t.col(prefix+".rowIndices")
		if ptr.null(r) || ind.null(r) {
			return 0, 0, nil, fmt.Errorf("%s is a sparse matrix without colPtrs or rowIndices", prefix)
		}
		plo, phi := ptr.span(r)
		ilo, ihi := ind.span(r)
		ptrs, idx := ptr.i64[plo:phi], ind.i64[ilo:ihi]
		major, minor := cols, rows // CSC: pointers per column, indices are rows
		if transposed {
			major, minor = rows, cols
		}
		if len(ptrs) != major+1 || len(idx) != len(v) || ptrs[0] != 0 || ptrs[major] != int64(len(v)) {
			return 0, 0, nil, fmt.Errorf("%s is a sparse %d x %d matrix with inconsistent colPtrs, rowIndices and values", prefix, rows, cols)
		}
		for a := range major {
			if ptrs[a] > ptrs[a+1] {
				return 0, 0, nil, fmt.Errorf("%s has decreasing colPtrs", prefix)
			}
			for p := ptrs[a]; p < ptrs[a+1]; p++ {
				b := idx[p]
				if b < 0 || b >= int64(minor) {
					return 0, 0, nil, fmt.Errorf("%s has index %d out of range", prefix, b)
				}
				i, j := int(b), a
				if transposed {
					i, j = a, int(b)
				}
				m[i*cols+j] = v[p]
			}
		}
	default:
		return 0, 0, nil, fmt.Errorf("%s has matrix type %d; Spark writes 0 (sparse) or 1 (dense)", prefix, typ.i64[r])
	}
	return rows, cols, m, nil
}

func (r *reader) readLDA(dir string, meta *Metadata) (*LDA, error) {
	data := join(dir, "data")
	specs := []colSpec{{path: "vocabSize", kind: kindInt}}
	specs = append(specs, matrixSpecs("topicsMatrix")...)
	specs = append(specs, vectorSpecs("docConcentration")...)
	specs = append(specs, colSpec{path: "topicConcentration", kind: kindFloat64}, colSpec{path: "gammaShape", kind: kindFloat64})
	t, err := r.readTable(data, specs)
	if err != nil {
		return nil, err
	}
	if t.rows != 1 {
		return nil, fmt.Errorf("%s holds %d rows; a LocalLDAModel's data is one row", data, t.rows)
	}
	vocab, ok := t.col("vocabSize").scalarInt(0)
	if !ok || vocab <= 0 {
		return nil, fmt.Errorf("%s: vocabSize is %v", data, nullable(vocab, ok))
	}
	rows, k, lambda, err := t.matrixRowMajor("topicsMatrix", 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", data, err)
	}
	wantK, hasK, err := intParam(meta.Params(), "k")
	if err != nil {
		return nil, fmt.Errorf("%s: metadata parameter %v", dir, err)
	}
	if !hasK {
		wantK = int64(k)
	}
	if int64(rows) != vocab || int64(k) != wantK || k == 0 {
		return nil, fmt.Errorf("%s: topicsMatrix is %d x %d but should be vocabSize x k = %d x %d", data, rows, k, vocab, wantK)
	}
	if i := firstNonFinite(lambda); i >= 0 {
		return nil, fmt.Errorf("%s: topicsMatrix(term %d, topic %d) is %v; every value must be finite", data, i/k, i%k, lambda[i])
	}
	alpha, err := t.vector("docConcentration", 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", data, err)
	}
	if len(alpha) == 1 && k > 1 {
		a := alpha[0]
		alpha = make([]float64, k)
		for i := range alpha {
			alpha[i] = a
		}
	}
	if len(alpha) != k {
		return nil, fmt.Errorf("%s: docConcentration has %d values for %d topics", data, len(alpha), k)
	}
	if i := firstNonFinite(alpha); i >= 0 {
		return nil, fmt.Errorf("%s: docConcentration[%d] is %v; it must be finite", data, i, alpha[i])
	}
	eta, ok1 := t.col("topicConcentration").scalarFloat(0)
	gamma, ok2 := t.col("gammaShape").scalarFloat(0)
	if !ok1 || !ok2 || !finite(eta) || !finite(gamma) {
		return nil, fmt.Errorf("%s: topicConcentration (%v) and gammaShape (%v) must be finite numbers", data, eta, gamma)
	}
	return &LDA{K: k, VocabSize: int(vocab), Lambda: lambda, DocConcentration: alpha, TopicConcentration: eta, GammaShape: gamma}, nil
}

// readVocabulary reads a CountVectorizerModel's vocabulary.
func (r *reader) readVocabulary(dir string) ([]string, error) {
	data := join(dir, "data")
	t, err := r.readTable(data, []colSpec{{path: "vocabulary", kind: kindString}})
	if err != nil {
		return nil, err
	}
	if t.rows != 1 {
		return nil, fmt.Errorf("%s holds %d rows; a CountVectorizerModel's data is one row", data, t.rows)
	}
	c := t.col("vocabulary")
	if c.null(0) {
		return nil, fmt.Errorf("%s: the vocabulary is null", data)
	}
	lo, hi := c.span(0)
	return c.str[lo:hi], nil
}

// attachVocabulary reads the CountVectorizerModel at dir into l.Vocabulary.
func (r *reader) attachVocabulary(l *LDA, dir string) error {
	if err := statDir(dir); err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	meta, err := readMetadata(dir)
	if err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	if meta.Class != ClassCountVectorizer {
		return fmt.Errorf("vocabulary: %s holds a %s, not a %s", dir, meta.Class, ClassCountVectorizer)
	}
	return r.vocabularyFrom(l, dir)
}

func (r *reader) vocabularyFrom(l *LDA, dir string) error {
	v, err := r.readVocabulary(dir)
	if err != nil {
		return err
	}
	if len(v) != l.VocabSize {
		return fmt.Errorf("the vocabulary in %s has %d terms but the LDA model has vocabSize %d; give the CountVectorizerModel the LDA model was trained with", dir, len(v), l.VocabSize)
	}
	l.Vocabulary = v
	return nil
}

// readScaler reads a StandardScalerModel.
func (r *reader) readScaler(dir string, meta *Metadata) (*Scaler, error) {
	data := join(dir, "data")
	t, err := r.readTable(data, append(vectorSpecs("std"), vectorSpecs("mean")...))
	if err != nil {
		return nil, err
	}
	if t.rows != 1 {
		return nil, fmt.Errorf("%s holds %d rows; a StandardScalerModel's data is one row", data, t.rows)
	}
	std, err := t.vector("std", 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", data, err)
	}
	mean, err := t.vector("mean", 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", data, err)
	}
	if len(std) != len(mean) {
		return nil, fmt.Errorf("%s: std has %d values but mean has %d", data, len(std), len(mean))
	}
	for _, v := range [][]float64{std, mean} {
		if i := firstNonFinite(v); i >= 0 {
			return nil, fmt.Errorf("%s: value %d is %v; it must be finite", data, i, v[i])
		}
	}
	p := meta.Params()
	return &Scaler{Mean: mean, Std: std, WithMean: boolParam(p, "withMean", false), WithStd: boolParam(p, "withStd", true)}, nil
}

// describeStages lists stages as "index class" for messages.
func describeStages(stages []stage) string {
	var b strings.Builder
	for i, s := range stages {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", s.name, s.meta.Class)
	}
	return b.String()
}

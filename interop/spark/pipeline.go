package spark

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// stage is one stage of a pipeline, flattened out of nested pipelines.
type stage struct {
	name string // directory name, outer/stages/inner for nested pipelines
	dir  string // path
	meta *Metadata
}

// maxPipelineDepth bounds pipelines nested in pipelines.
const maxPipelineDepth = 8

// pipelineStages lists the stages of the pipeline at dir in order.
func (r *reader) pipelineStages(dir string, meta *Metadata, prefix string, depth int) ([]stage, error) {
	if depth > maxPipelineDepth {
		return nil, fmt.Errorf("%s: pipelines are nested more than %d deep", dir, maxPipelineDepth)
	}
	stagesDir := join(dir, "stages")
	entries, err := os.ReadDir(stagesDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is a PipelineModel without a stages directory; the saved pipeline is incomplete", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list %s: %w", stagesDir, unwrapPathError(err))
	}
	type entry struct {
		idx  int
		name string
	}
	var dirs []entry
	for _, e := range entries {
		n := e.Name()
		i := strings.IndexByte(n, '_')
		if !e.IsDir() || i <= 0 {
			continue
		}
		idx, err := strconv.Atoi(n[:i])
		if err != nil || idx < 0 {
			continue
		}
		dirs = append(dirs, entry{idx, n})
	}
	sort.Slice(dirs, func(a, b int) bool { return dirs[a].idx < dirs[b].idx })
	// Spark names stage i's directory <i zero-padded>_<uid>, in the order of
	// paramMap.stageUids.
	if uids, ok := meta.ParamMap["stageUids"].([]any); ok {
		ordered := make([]entry, 0, len(uids))
		for i, u := range uids {
			uid, _ := u.(string)
			found := false
			for _, d := range dirs {
				if d.idx == i && strings.HasSuffix(d.name, "_"+uid) {
					ordered = append(ordered, d)
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%s: stage %d (%v) has no directory %s_%v; the saved pipeline is incomplete", dir, i, u, join(stagesDir, strconv.Itoa(i)), u)
			}
		}
		dirs = ordered
	}
	var out []stage
	for _, d := range dirs {
		if err := r.poll(); err != nil {
			return nil, err
		}
		sdir := join(stagesDir, d.name)
		smeta, err := readMetadata(sdir)
		if err != nil {
			return nil, err
		}
		name := prefix + d.name
		if smeta.Class == ClassPipeline {
			inner, err := r.pipelineStages(sdir, smeta, name+"/stages/", depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		out = append(out, stage{name: name, dir: sdir, meta: smeta})
	}
	return out, nil
}

// readPipeline reads the model stage of the PipelineModel at path.
func (r *reader) readPipeline(path string, meta *Metadata, opt ReadOptions) (*Model, error) {
	stages, err := r.pipelineStages(path, meta, "", 0)
	if err != nil {
		return nil, err
	}
	pick := -1
	for i, s := range stages {
		if opt.Stage != "" {
			if s.name == opt.Stage || s.meta.UID == opt.Stage || strings.HasSuffix(s.name, "/"+opt.Stage) {
				pick = i
			}
			continue
		}
		if importable(s.meta.Class) {
			pick = i
		}
	}
	if pick < 0 {
		if opt.Stage != "" {
			return nil, fmt.Errorf("pipeline %s has no stage %q; its stages are: %s", path, opt.Stage, describeStages(stages))
		}
		return nil, fmt.Errorf("pipeline %s has no stage that can be imported; its stages are: %s; supported: %s: %w",
			path, describeStages(stages), strings.Join(Supported, ", "), ErrUnsupported)
	}
	s := stages[pick]
	if !importable(s.meta.Class) {
		return nil, fmt.Errorf("stage %s of pipeline %s is a %s, which cannot be imported; supported: %s: %w",
			s.name, path, s.meta.Class, strings.Join(Supported, ", "), ErrUnsupported)
	}
	pm := *meta
	m := &Model{Path: path, Metadata: *s.meta, Pipeline: &pm, Stage: s.name}
	if err := r.readModel(m, s.dir, s.meta); err != nil {
		return nil, err
	}
	for i := pick - 1; i >= 0; i-- {
		if stages[i].meta.Class == ClassVectorAssembler {
			m.InputColumns = stringsParam(stages[i].meta.Params(), "inputCols")
			break
		}
	}
	switch {
	case m.KMeans != nil:
		if sc := feedingScaler(stages[:pick], s.meta); sc != nil {
			scaler, err := r.readScaler(sc.dir, sc.meta)
			if err != nil {
				return nil, err
			}
			if d := len(m.KMeans.Centers[0]); len(scaler.Mean) != d {
				return nil, fmt.Errorf("%s: the StandardScalerModel has %d features but the k-means centres have %d", sc.dir, len(scaler.Mean), d)
			}
			m.KMeans.Scaler = scaler
		}
	case m.LDA != nil:
		if opt.Vocabulary != "" {
			if err := r.attachVocabulary(m.LDA, opt.Vocabulary); err != nil {
				return nil, err
			}
			break
		}
		for i := pick - 1; i >= 0; i-- {
			if stages[i].meta.Class == ClassCountVectorizer {
				if err := r.vocabularyFrom(m.LDA, stages[i].dir); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	return m, nil
}

// feedingScaler returns the StandardScalerModel among before (the stages
// preceding a k-means stage) whose output is the k-means features column, or
// the nearest one when either column is not recorded; nil if none.
func feedingScaler(before []stage, km *Metadata) *stage {
	features := stringParam(km.Params(), "featuresCol")
	for i := len(before) - 1; i >= 0; i-- {
		s := &before[i]
		if s.meta.Class != ClassStandardScaler {
			continue
		}
		out := stringParam(s.meta.Params(), "outputCol")
		if out == "" || features == "" || out == features {
			return s
		}
	}
	return nil
}

package spark

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Metadata is a saved model's metadata/part-* JSON line.
type Metadata struct {
	Class, SparkVersion, UID string
	Timestamp                int64          // ms since the epoch; 0 if absent
	ParamMap                 map[string]any // parameters set explicitly; json.Number for numbers
	DefaultParamMap          map[string]any // parameters at their defaults
	// Fields holds every top-level field of the line, including the ones
	// above and model-specific ones such as ALS's "rank" or mllib's "k".
	Fields map[string]any
	Line   []byte // the metadata JSON line as saved
}

// Params returns DefaultParamMap overlaid by ParamMap (the effective parameters).
func (m *Metadata) Params() map[string]any {
	p := make(map[string]any, len(m.ParamMap)+len(m.DefaultParamMap))
	for k, v := range m.DefaultParamMap {
		p[k] = v
	}
	for k, v := range m.ParamMap {
		p[k] = v
	}
	return p
}

// maxMetadataSize bounds the metadata file read into memory.
const maxMetadataSize = 64 << 20

// lfsMagic starts a Git LFS pointer file.
const lfsMagic = "version https://git-lfs.github.com/spec/v1"

// metadataFile returns the path of dir's metadata/part-* file.
func metadataFile(dir string) (string, error) {
	entries, err := os.ReadDir(join(dir, "metadata"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("cannot list %s: %w", join(dir, "metadata"), unwrapPathError(err))
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "part-") && !strings.HasSuffix(n, ".crc") && !e.IsDir() {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("not a Spark ML saved model: %s has no metadata/part-* file; give the directory passed to model.save()", dir)
	}
	sort.Strings(names)
	return join(dir, "metadata", names[0]), nil
}

// readMetadata reads and parses the metadata of the model directory dir.
func readMetadata(dir string) (*Metadata, error) {
	file, err := metadataFile(dir)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", file, unwrapPathError(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMetadataSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", file, unwrapPathError(err))
	}
	if len(b) > maxMetadataSize {
		return nil, fmt.Errorf("%s is larger than %d MiB; Spark's metadata is one short JSON line", file, maxMetadataSize>>20)
	}
	if bytes.HasPrefix(b, []byte(lfsMagic)) {
		return nil, fmt.Errorf("%s is a Git LFS pointer, not the file itself; run `git lfs pull` in its repository", file)
	}
	m, err := ParseMetadata(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// ParseMetadata parses a metadata file's content: one JSON object on its
// first non-empty line. Numbers stay json.Number so 64-bit seeds keep their
// digits.
func ParseMetadata(b []byte) (*Metadata, error) {
	line := firstLine(b)
	if len(line) == 0 {
		return nil, errors.New("metadata is empty; a Spark model's metadata is one JSON line")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return nil, fmt.Errorf("metadata is not a JSON object: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("metadata has text after its JSON object")
	}
	if fields == nil {
		return nil, errors.New("metadata is not a JSON object")
	}
	m := &Metadata{Fields: fields, Line: append([]byte(nil), line...)}
	var err error
	if m.Class, err = stringField(fields, "class"); err != nil {
		return nil, err
	}
	if m.Class == "" {
		return nil, errors.New(`metadata has no "class"; it is not a Spark model's metadata`)
	}
	if m.SparkVersion, err = stringField(fields, "sparkVersion"); err != nil {
		return nil, err
	}
	if m.UID, err = stringField(fields, "uid"); err != nil {
		return nil, err
	}
	if v, ok := fields["timestamp"]; ok && v != nil {
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf(`metadata "timestamp" is %s, expected a number`, jsonKind(v))
		}
		if m.Timestamp, err = n.Int64(); err != nil {
			return nil, fmt.Errorf(`metadata "timestamp" %s is not an integer`, n)
		}
	}
	if m.ParamMap, err = objectField(fields, "paramMap"); err != nil {
		return nil, err
	}
	if m.DefaultParamMap, err = objectField(fields, "defaultParamMap"); err != nil {
		return nil, err
	}
	return m, nil
}

// firstLine returns the first line of b that is not blank, trimmed.
func firstLine(b []byte) []byte {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line
		}
	}
	return nil
}

func stringField(fields map[string]any, key string) (string, error) {
	v, ok := fields[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("metadata %q is %s, expected a string", key, jsonKind(v))
	}
	return s, nil
}

func objectField(fields map[string]any, key string) (map[string]any, error) {
	v, ok := fields[key]
	if !ok || v == nil {
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("metadata %q is %s, expected an object", key, jsonKind(v))
	}
	return o, nil
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// intParam returns an integer field of a metadata object (a parameter map or
// the top level); ok is false when it is absent.
func intParam(params map[string]any, key string) (n int64, ok bool, err error) {
	v, ok := params[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	num, isNum := v.(json.Number)
	if !isNum {
		return 0, true, fmt.Errorf("%q is %s, expected an integer", key, jsonKind(v))
	}
	n, err = num.Int64()
	if err != nil {
		return 0, true, fmt.Errorf("%q is %s, expected an integer", key, num)
	}
	return n, true, nil
}

// stringParam returns a string parameter, "" when absent or not a string.
func stringParam(params map[string]any, key string) string {
	s, _ := params[key].(string)
	return s
}

// stringsParam returns a parameter that is a list of strings, nil when
// absent or of another type.
func stringsParam(params map[string]any, key string) []string {
	list, ok := params[key].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// boolParam returns a boolean parameter, def when absent or not a boolean.
func boolParam(params map[string]any, key string, def bool) bool {
	if b, ok := params[key].(bool); ok {
		return b
	}
	return def
}

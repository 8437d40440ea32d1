package chart

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func figures(t *testing.T) map[string]*Figure {
	t.Helper()
	must := func(f *Figure, err error) *Figure {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	return map[string]*Figure{
		"bar":  must(Bar(Labels{Title: "Segment sizes", Y: "customers"}, []string{"1", "2", "3"}, []float64{1880, 1685, 769})),
		"hbar": must(HBar(Labels{Title: "Topic 1"}, []string{"bag", "lunch", "red", "retrospot"}, []float64{0.05, 0.04, 0.02, 0.01})),
		"lines": must(Lines(Labels{Title: "Inertia over k", X: "k"},
			Series{Name: "inertia", X: []float64{2, 3, 4}, Y: []float64{9, 5, 4}})),
		"scatter": must(Scatter(Labels{Title: "PCA"}, []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, []string{"1", "1", "2", "2"}, nil)),
		"lift":    must(ScatterByValue(Labels{Title: "Rules", X: "support", Y: "confidence"}, []float64{0.1, 0.2}, []float64{0.5, 0.9}, []float64{1.2, 3.4}, "lift")),
		"hist":    must(Hist(Labels{Title: "p_alive"}, []float64{0.1, 0.5, 0.9, 0.95, 0.99}, 0)),
		"heat": must(HeatMap(Labels{Title: "Profile"}, []string{"1", "2"}, []string{"recency", "frequency"},
			[][]float64{{-1, 2}, {0.5, -0.3}}, [][]string{{"12 d", "3.1"}, {"80 d", "1.2"}})),
	}
}

// Every kind renders a standalone SVG, an inline SVG without any URL, and a
// PNG that decodes to the figure's size.
func TestKindsRender(t *testing.T) {
	for name, f := range figures(t) {
		svg, err := f.SVG()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Contains(svg, []byte(`xmlns="http://www.w3.org/2000/svg"`)) || !bytes.Contains(svg, []byte("<text")) {
			t.Errorf("%s: standalone SVG lacks its namespace or text", name)
		}
		if !bytes.Contains(svg, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
			t.Errorf("%s: SVG does not name Liberation Sans with its fallbacks", name)
		}
		in, err := f.InlineSVG()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(in, []byte("<svg")) || bytes.Contains(in, []byte("http")) || bytes.Count(in, []byte("<svg")) != 1 {
			t.Errorf("%s: inline SVG should be one <svg> element with no URL; starts %q", name, in[:min(80, len(in))])
		}
		b, err := f.PNG()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: PNG does not decode: %v", name, err)
		}
		if got, want := img.Bounds().Dx(), int(f.Width.Points()*2); got < want || got > want+1 {
			t.Errorf("%s: PNG is %d px wide, want %d (144 dpi)", name, got, want)
		}
		if os.Getenv("CHART_DUMP") != "" {
			os.WriteFile(filepath.Join(os.Getenv("CHART_DUMP"), name+".png"), b, 0o644)
		}
	}
}

func TestBadInput(t *testing.T) {
	cases := map[string]func() (*Figure, error){
		"labels and values differ": func() (*Figure, error) { return Bar(Labels{}, []string{"a"}, []float64{1, 2}) },
		"no values":                func() (*Figure, error) { return HBar(Labels{}, nil, nil) },
		"no series":                func() (*Figure, error) { return Lines(Labels{}) },
		"only NaN":                 func() (*Figure, error) { return Hist(Labels{}, []float64{nan(), nan()}, 5) },
		"scatter of NaN":           func() (*Figure, error) { return Scatter(Labels{}, []float64{nan()}, []float64{1}, nil, nil) },
		"ragged heat map": func() (*Figure, error) {
			return HeatMap(Labels{}, []string{"a"}, []string{"x", "y"}, [][]float64{{1}}, nil)
		},
	}
	for name, f := range cases {
		if _, err := f(); err == nil || !strings.HasPrefix(err.Error(), "chart: ") {
			t.Errorf("%s: err = %v, want a chart: error", name, err)
		}
	}
	// Non-finite values among finite ones are left out and said so.
	f, err := Hist(Labels{Title: "h"}, []float64{1, 2, nan(), 3}, 3)
	if err != nil {
		t.Fatal(err)
	}
	svg, _ := f.SVG()
	if !bytes.Contains(svg, []byte("1 value left out (NaN, infinite or beyond ±1e300)")) {
		t.Error("the histogram does not say a value was left out")
	}
	// A heat map whose values are all equal has a colour range of zero width.
	f, err = HeatMap(Labels{}, []string{"a"}, []string{"x"}, [][]float64{{0}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.SVG(); err != nil {
		t.Errorf("flat heat map: %v", err)
	}
	if err := f.WriteFile(filepath.Join(t.TempDir(), "x.jpg")); err == nil || !strings.Contains(err.Error(), ".svg or .png") {
		t.Errorf("WriteFile(.jpg) = %v", err)
	}
	if err := f.WriteFile(filepath.Join(t.TempDir(), "missing", "x.svg")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("WriteFile into a missing directory = %v", err)
	}
}

func nan() float64 { var z float64; return z / z }

// Chinese labels are set in a CJK font, which the SVG names.
func TestCJKLabels(t *testing.T) {
	family, path, err := CJKFontFamily()
	if err != nil {
		t.Skipf("%v (make deps installs fonts-noto-cjk)", err)
	}
	t.Logf("CJK font: %s from %s", family, path)
	f, err := HBar(Labels{Title: "话题 1"}, []string{"质量", "物流", "包装"}, []float64{0.1, 0.05, 0.02})
	if err != nil {
		t.Fatal(err)
	}
	if !f.UsesCJKFont() {
		t.Fatal("a chart of Chinese words is not set in the CJK font")
	}
	svg, _ := f.SVG()
	if !bytes.Contains(svg, []byte("font-family:'"+family+"',")) || !bytes.Contains(svg, []byte(">质量</text>")) {
		t.Errorf("the SVG does not set 质量 in %s", family)
	}
	latin, _ := Bar(Labels{Title: "sizes"}, []string{"a"}, []float64{1})
	if latin.UsesCJKFont() {
		t.Error("a chart without CJK text uses the CJK font")
	}
	if b, err := f.PNG(); err != nil {
		t.Fatal(err)
	} else if os.Getenv("CHART_DUMP") != "" {
		os.WriteFile(filepath.Join(os.Getenv("CHART_DUMP"), "cjk.png"), b, 0o644)
	}
}

func TestReservoir(t *testing.T) {
	r := NewReservoir[int](100)
	for i := 0; i < 100000; i++ {
		r.Add(i)
	}
	if len(r.Items) != 100 || r.Seen != 100000 || !r.Sampled() {
		t.Fatalf("reservoir holds %d of %d", len(r.Items), r.Seen)
	}
	// A uniform sample of 0..99999 has a mean near 50000 (sd of the mean ~2900).
	sum := 0
	for _, v := range r.Items {
		sum += v
	}
	if m := sum / 100; m < 35000 || m > 65000 {
		t.Errorf("sample mean %d is far from 50000", m)
	}
	small := NewReservoir[int](10)
	small.Add(1)
	if small.Sampled() || len(small.Items) != 1 {
		t.Error("a reservoir under capacity left items out")
	}
}

func TestTickLabels(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1e-17: "0", 12500: "12,500", -50000: "-50,000", 0.25: "0.25", 1800: "1800", 2.5e-5: "2.5e-05", 1234567.5: "1.23457e+06"} {
		if got := tickLabel(v); got != want {
			t.Errorf("tickLabel(%g) = %q, want %q", v, got, want)
		}
	}
}

// Values at the ends of the float range, tiny ones and constant ones draw
// (an infinite range once made gonum/plot's tick search run forever).
func TestExtremeValues(t *testing.T) {
	for name, v := range map[string][]float64{
		"huge": {-1e300, 1e300}, "beyond": {-1e308, 1e308}, "tiny": {5e-324, 1e-323}, "mixed": {1e-300, 1e300}, "one": {3, 3},
	} {
		for i, build := range []func() (*Figure, error){
			func() (*Figure, error) { return Hist(Labels{}, v, 0) },
			func() (*Figure, error) { return Lines(Labels{}, Series{X: v, Y: v}) },
			func() (*Figure, error) { return Bar(Labels{}, []string{"a", "b"}, v) },
			func() (*Figure, error) { return Scatter(Labels{}, v, v, nil, nil) },
			func() (*Figure, error) { return ScatterByValue(Labels{}, v, v, v, "x") },
			func() (*Figure, error) {
				return HeatMap(Labels{}, []string{"a"}, []string{"x", "y"}, [][]float64{v}, nil)
			},
		} {
			f, err := build()
			if err == nil {
				_, err = f.SVG()
			}
			if err != nil && !(name == "beyond" && strings.Contains(err.Error(), "no finite")) {
				t.Errorf("%s, chart %d: %v", name, i, err)
			}
		}
	}
}

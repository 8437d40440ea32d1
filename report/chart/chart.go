// Package chart draws the charts of marketsql's reports and of the shell's
// .chart command with gonum.org/v1/plot, to SVG (inlined in HTML or written
// as a file) and PNG.
//
// A Figure is built by one of the constructors (Bar, HBar, Lines, Scatter,
// ScatterByValue, Hist, HeatMap) and rendered with SVG, InlineSVG or PNG.
// Constructors validate their input and return an error naming what is
// wrong; values that are NaN, infinite or beyond ±1e300 are left out and counted in the
// figure's note, never drawn.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Labels are a chart's texts. Note is a second, smaller line under the title
// for what a reader must know to read the chart right ("a sample of 2,000 of
// 100,000 customers").
type Labels struct {
	Title, X, Y, Note string
}

// Figure is one chart ready to render.
type Figure struct {
	plot *plot.Plot
	// side, when set, is drawn in a strip of sideWidth at the right: the
	// colour scale of ScatterByValue.
	side      *plot.Plot
	sideWidth vg.Length
	// Width and Height are the rendered size; the constructors set a size
	// that suits the chart and callers may change it.
	Width, Height vg.Length
	cjk           bool
}

// DefaultWidth and DefaultHeight are the size of a chart unless a
// constructor picks another (horizontal bars grow with their count).
const (
	DefaultWidth  = 6.4 * vg.Inch
	DefaultHeight = 3.6 * vg.Inch
)

// UsesCJKFont reports whether the figure's text is set in the CJK font
// (some label holds Chinese, Japanese or Korean characters and a CJK font
// was found; see CJKFontFamily).
func (f *Figure) UsesCJKFont() bool { return f.cjk }

// SVG renders the figure as a standalone SVG document.
func (f *Figure) SVG() ([]byte, error) {
	c := vgsvg.New(f.Width, f.Height)
	if err := f.draw(draw.New(c)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: writing SVG: %w", err)
	}
	return widenFontFamilies(buf.Bytes(), f.cjk), nil
}

var (
	xmlProlog = regexp.MustCompile(`^<\?xml[^>]*\?>\s*(<!--[^>]*-->\s*)?`)
	xmlnsAttr = regexp.MustCompile(`\s+xmlns(:xlink)?="[^"]*"`)
)

// InlineSVG renders the figure as an <svg> element for an HTML page: no XML
// prolog and no namespace attributes (HTML's parser supplies them), so the
// page holds no URL at all.
func (f *Figure) InlineSVG() ([]byte, error) {
	b, err := f.SVG()
	if err != nil {
		return nil, err
	}
	b = xmlProlog.ReplaceAll(b, nil)
	if i := bytes.Index(b, []byte(">")); i > 0 {
		head := xmlnsAttr.ReplaceAll(b[:i], nil)
		b = append(head, b[i:]...)
	}
	return b, nil
}

// PNG renders the figure as a PNG image at 144 dots per inch.
func (f *Figure) PNG() ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(144))
	if err := f.draw(draw.New(c)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: writing PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile renders the figure to path, as SVG or PNG by the path's
// extension (.svg or .png), through a temporary file renamed into place so a
// failed render leaves no half file.
func (f *Figure) WriteFile(path string) error {
	var (
		b   []byte
		err error
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		b, err = f.SVG()
	case ".png":
		b, err = f.PNG()
	default:
		return fmt.Errorf("chart: %q: the file name must end in .svg or .png", path)
	}
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}

// WriteFileAtomic writes b to path through a temporary file in the same
// directory, renamed into place.
func WriteFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	name := tmp.Name()
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	return nil
}

// unwrapPathError drops the temporary file's name from an error: the user
// named path, not the temporary file.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// draw draws the figure on c. gonum/plot panics on some degenerate input
// (a range of zero width in a colour map, for one); a panic becomes an error
// here so that it never reaches SQLite or the shell.
func (f *Figure) draw(c draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chart: cannot draw %q: %v", f.plot.Title.Text, r)
		}
	}()
	if f.side == nil {
		f.plot.Draw(c)
		return nil
	}
	f.plot.Draw(draw.Crop(c, 0, -f.sideWidth, 0, 0))
	f.side.Draw(draw.Crop(c, c.Max.X-c.Min.X-f.sideWidth, 0, 0, 0))
	return nil
}

// newPlot returns a plot with the house look and the labels set, in the
// CJK font when any of texts needs it.
func newPlot(l Labels, texts ...[]string) (*plot.Plot, bool) {
	p := plot.New()
	cjk := needsCJK(append(texts, []string{l.Title, l.X, l.Y, l.Note})...) && loadCJK() == nil
	setFont(p, cjk)
	p.Title.Text = l.Title
	if l.Note != "" {
		p.Title.Text += "\n" + l.Note
	}
	p.Title.TextStyle.Font.Size = 12
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = l.X
	p.Y.Label.Text = l.Y
	p.X.Label.TextStyle.Font.Size = 10
	p.Y.Label.TextStyle.Font.Size = 10
	p.X.Tick.Label.Font.Size = 9
	p.Y.Tick.Label.Font.Size = 9
	p.Legend.TextStyle.Font.Size = 9
	p.BackgroundColor = color.White
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks{}, ticks{}
	return p, cjk
}

// setFont sets every text of p in Liberation Sans (gonum/plot's default is
// its serif), or in the CJK face.
func setFont(p *plot.Plot, cjk bool) {
	tf, variant := font.Typeface("Liberation"), font.Variant("Sans")
	if cjk {
		tf, variant = cjkTypeface, ""
	}
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font,
	} {
		f.Typeface, f.Variant = tf, variant
	}
}

func newFigure(p *plot.Plot, cjk bool) *Figure {
	return &Figure{plot: p, Width: DefaultWidth, Height: DefaultHeight, cjk: cjk}
}

// finite returns the finite values of v and how many were not.
func finite(v []float64) ([]float64, int) {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if isFinite(x) {
			out = append(out, x)
		}
	}
	return out, len(v) - len(out)
}

// addNote appends s to the figure's note line.
func addNote(p *plot.Plot, s string) {
	if s == "" {
		return
	}
	if strings.Contains(p.Title.Text, "\n") {
		p.Title.Text += "; " + s
	} else {
		p.Title.Text += "\n" + s
	}
}

func leftOut(n int, what string) string {
	if n == 0 {
		return ""
	}
	if n == 1 {
		return "1 " + what + " left out (NaN, infinite or beyond ±1e300)"
	}
	return fmt.Sprintf("%d %ss left out (NaN, infinite or beyond ±1e300)", n, what)
}

// ticks are gonum/plot's default tick positions with labels a reader
// expects: 12,500 rather than 12500.00, 0.25 rather than 0.250.
type ticks struct{}

func (ticks) Ticks(min, max float64) []plot.Tick {
	t := plot.DefaultTicks{}.Ticks(min, max)
	for i := range t {
		if t[i].Label != "" {
			t[i].Label = tickLabel(t[i].Value)
		}
	}
	return t
}

func tickLabel(v float64) string {
	if math.Abs(v) < 1e-12 {
		return "0"
	}
	if a := math.Abs(v); a >= 1e4 && a < 1e15 && v == math.Trunc(v) {
		return Thousands(int64(v))
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// Thousands writes n with thousands separators: 10,000,000.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// SampleNote is a chart's note for a sample: "a sample of 2,000 of 100,000
// rows" (what: "rows", "customers", ...), or "" when nothing was left out.
func SampleNote(kept int, seen int64, what string) string {
	if int64(kept) >= seen {
		return ""
	}
	return fmt.Sprintf("a sample of %s of %s %s", Thousands(int64(kept)), Thousands(seen), what)
}

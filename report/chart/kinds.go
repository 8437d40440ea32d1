package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours are ColorBrewer's Set2 then Dark2 qualitative palettes: segments,
// series and groups get them in order.
var colours = []color.Color{
	color.RGBA{0x1b, 0x9e, 0x77, 0xff}, color.RGBA{0xd9, 0x5f, 0x02, 0xff},
	color.RGBA{0x75, 0x70, 0xb3, 0xff}, color.RGBA{0xe7, 0x29, 0x8a, 0xff},
	color.RGBA{0x66, 0xa6, 0x1e, 0xff}, color.RGBA{0xe6, 0xab, 0x02, 0xff},
	color.RGBA{0xa6, 0x76, 0x1d, 0xff}, color.RGBA{0x66, 0x66, 0x66, 0xff},
	color.RGBA{0x66, 0xc2, 0xa5, 0xff}, color.RGBA{0xfc, 0x8d, 0x62, 0xff},
	color.RGBA{0x8d, 0xa0, 0xcb, 0xff}, color.RGBA{0xe7, 0x8a, 0xc3, 0xff},
}

// colour returns the i-th colour of the house palette (cycling).
func colour(i int) color.Color { return colours[i%len(colours)] }

// Bar draws one vertical bar per label.
func Bar(l Labels, labels []string, values []float64) (fig *Figure, err error) {
	defer guard(&fig, &err)
	vals, bad, err := barValues(labels, values)
	if err != nil {
		return nil, err
	}
	p, cjk := newPlot(l, labels)
	w := vg.Points(math.Max(4, math.Min(40, 320/float64(len(vals)))))
	b, err := plotter.NewBarChart(plotter.Values(vals), w)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	b.Color = colour(0)
	b.LineStyle.Width = 0
	p.Add(plotter.NewGrid(), b) // the grid first, under the bars
	padMax(&p.Y.Max, vals)
	// The axis spans the bars' positions; leave half a slot at each end so
	// the first and last bars are drawn whole.
	p.X.Min, p.X.Max = -0.5, float64(len(vals))-0.5
	p.NominalX(labels...)
	if len(labels) > 8 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	addNote(p, leftOut(bad, "value"))
	return newFigure(p, cjk), nil
}

// HBar draws one horizontal bar per label, the first label at the top: the
// shape for ranked lists (a topic's top words).
func HBar(l Labels, labels []string, values []float64) (fig *Figure, err error) {
	defer guard(&fig, &err)
	vals, bad, err := barValues(labels, values)
	if err != nil {
		return nil, err
	}
	// plotter draws the first value at the bottom: reverse for reading order.
	n := len(vals)
	rv := make(plotter.Values, n)
	rl := make([]string, n)
	for i := range vals {
		rv[n-1-i], rl[n-1-i] = vals[i], labels[i]
	}
	p, cjk := newPlot(l, labels)
	b, err := plotter.NewBarChart(rv, vg.Points(9))
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	b.Horizontal = true
	b.Color = colour(2)
	b.LineStyle.Width = 0
	p.Add(b)
	padMax(&p.X.Max, vals)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.NominalY(rl...)
	addNote(p, leftOut(bad, "value"))
	f := newFigure(p, cjk)
	f.Height = vg.Points(math.Max(150, 60+14*float64(n)))
	return f, nil
}

// padMax leaves 5% of room above the largest bar, so it does not touch the
// plot's edge.
func padMax(axisMax *float64, vals []float64) {
	m := 0.0
	for _, v := range vals {
		m = math.Max(m, v)
	}
	if m > 0 {
		*axisMax = math.Max(*axisMax, 1.05*m)
	}
}

// barValues checks a bar chart's labels and values and returns the values
// with those that cannot be drawn set to 0, and their count.
func barValues(labels []string, values []float64) ([]float64, int, error) {
	if len(labels) != len(values) {
		return nil, 0, fmt.Errorf("chart: %d labels for %d values", len(labels), len(values))
	}
	if len(values) == 0 {
		return nil, 0, errors.New("chart: no values to draw")
	}
	vals, bad := zeroNonFinite(values)
	return vals, bad, nil
}

func zeroNonFinite(v []float64) ([]float64, int) {
	out := make([]float64, len(v))
	bad := 0
	for i, x := range v {
		if !isFinite(x) {
			bad++
			continue
		}
		out[i] = x
	}
	return out, bad
}

// Series is one named line of a line chart.
type Series struct {
	Name string
	X, Y []float64
}

// Lines draws each series as a line with point marks, with a legend when
// there is more than one.
func Lines(l Labels, series ...Series) (fig *Figure, err error) {
	defer guard(&fig, &err)
	if len(series) == 0 {
		return nil, errors.New("chart: no series to draw")
	}
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
	}
	p, cjk := newPlot(l, names)
	p.Add(plotter.NewGrid())
	drawn, bad := 0, 0
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("chart: series %q has %d x for %d y", s.Name, len(s.X), len(s.Y))
		}
		xy, b := finitePoints(s.X, s.Y)
		bad += b
		if len(xy) == 0 {
			continue
		}
		sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
		line, points, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		line.Color = colour(i)
		line.Width = vg.Points(1.5)
		points.Color = colour(i)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(2.5)
		p.Add(line, points)
		if len(series) > 1 {
			p.Legend.Add(s.Name, line, points)
		}
		drawn++
	}
	if drawn == 0 {
		return nil, errors.New("chart: no finite points to draw")
	}
	p.Legend.Top = true
	addNote(p, leftOut(bad, "point"))
	return newFigure(p, cjk), nil
}

func finitePoints(x, y []float64) (plotter.XYs, int) {
	xy := make(plotter.XYs, 0, len(x))
	for i := range x {
		if isFinite(x[i]) && isFinite(y[i]) {
			xy = append(xy, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return xy, len(x) - len(xy)
}

// isFinite reports whether x can be drawn: not NaN, and within ±1e300, so
// that a range of values never overflows (gonum/plot's tick search does not
// end on an infinite range).
func isFinite(x float64) bool { return !math.IsNaN(x) && math.Abs(x) <= 1e300 }

// Scatter draws points coloured by group (group may be nil: one colour).
// Groups are listed in the legend in the order given by order (nil: order of
// first appearance).
func Scatter(l Labels, x, y []float64, group []string, order []string) (fig *Figure, err error) {
	defer guard(&fig, &err)
	if len(x) != len(y) || (group != nil && len(group) != len(x)) {
		return nil, fmt.Errorf("chart: %d x, %d y and %d groups", len(x), len(y), len(group))
	}
	if group == nil {
		group = make([]string, len(x))
	}
	if order == nil {
		seen := map[string]bool{}
		for _, g := range group {
			if !seen[g] {
				seen[g] = true
				order = append(order, g)
			}
		}
	}
	p, cjk := newPlot(l, order)
	p.Add(plotter.NewGrid())
	byGroup := map[string]plotter.XYs{}
	bad := 0
	for i := range x {
		if !isFinite(x[i]) || !isFinite(y[i]) {
			bad++
			continue
		}
		byGroup[group[i]] = append(byGroup[group[i]], plotter.XY{X: x[i], Y: y[i]})
	}
	drawn := 0
	for i, g := range order {
		xy := byGroup[g]
		if len(xy) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: withAlpha(colour(i), 0xb0), Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
		p.Add(s)
		if g != "" {
			p.Legend.Add(g, s)
		}
		drawn++
	}
	if drawn == 0 {
		return nil, errors.New("chart: no finite points to draw")
	}
	p.Legend.Top = true
	addNote(p, leftOut(bad, "point"))
	return newFigure(p, cjk), nil
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	// premultiplied: scale the channels with the alpha
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

// ScatterByValue draws points coloured by a continuous value (rules by
// lift), with a colour scale at the right named valueName.
func ScatterByValue(l Labels, x, y, value []float64, valueName string) (fig *Figure, err error) {
	defer guard(&fig, &err)
	if len(x) != len(y) || len(x) != len(value) {
		return nil, fmt.Errorf("chart: %d x, %d y and %d values", len(x), len(y), len(value))
	}
	p, cjk := newPlot(l)
	xyz := make(plotter.XYZs, 0, len(x))
	for i := range x {
		if isFinite(x[i]) && isFinite(y[i]) && isFinite(value[i]) {
			xyz = append(xyz, plotter.XYZ{X: x[i], Y: y[i], Z: value[i]})
		}
	}
	if len(xyz) == 0 {
		return nil, errors.New("chart: no finite points to draw")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range xyz {
		lo, hi = math.Min(lo, v.Z), math.Max(hi, v.Z)
	}
	if !(hi > lo) || hi-lo < 1e-9*math.Abs(lo) {
		// One value: a scale around it (1 wide, or relative to huge values).
		d := math.Max(0.5, math.Abs(lo)*1e-6)
		lo, hi = lo-d, hi+d
	}
	cm := moreland.SmoothBlueRed()
	cm.SetMin(lo)
	cm.SetMax(hi)
	// Draw low values first so the strongest points stay on top.
	sort.Slice(xyz, func(a, b int) bool { return xyz[a].Z < xyz[b].Z })
	s, err := plotter.NewScatter(xyz)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		c, err := cm.At(xyz[i].Z)
		if err != nil {
			c = color.Black
		}
		return draw.GlyphStyle{Color: c, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}
	}
	p.Add(plotter.NewGrid(), s)
	addNote(p, leftOut(len(x)-len(xyz), "point"))

	side := plot.New()
	side.Title.Text = valueName
	side.Title.TextStyle.Font.Size = 9
	side.BackgroundColor = color.White
	side.X.Tick.Marker = plot.ConstantTicks(nil)
	side.Y.Tick.Label.Font.Size = 9
	side.HideX()
	side.Y.Padding = 0
	side.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	setFont(side, cjk)
	f := newFigure(p, cjk)
	f.side, f.sideWidth = side, vg.Points(60)
	return f, nil
}

// Hist draws a histogram of values in bins bins (0: a number of bins from
// the count, Sturges' rule capped at 50).
func Hist(l Labels, values []float64, bins int) (fig *Figure, err error) {
	defer guard(&fig, &err)
	vals, bad := finite(values)
	if len(vals) == 0 {
		return nil, errors.New("chart: no finite values to draw")
	}
	if bins <= 0 {
		bins = int(math.Min(50, math.Ceil(math.Log2(float64(len(vals))))+1))
	}
	p, cjk := newPlot(l)
	h, err := plotter.NewHist(plotter.Values(vals), bins)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	h.FillColor = colour(0)
	h.LineStyle.Color = color.White
	h.LineStyle.Width = vg.Points(0.5)
	p.Add(plotter.NewGrid(), h)
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "count"
	}
	addNote(p, leftOut(bad, "value"))
	return newFigure(p, cjk), nil
}

// HeatMap draws z (one row per row label, one column per column label) as
// coloured cells on a diverging scale centred on 0 (z-scores), with cell[r][c]
// written in each cell when cells is not nil.
func HeatMap(l Labels, rows, cols []string, z [][]float64, cells [][]string) (fig *Figure, err error) {
	defer guard(&fig, &err)
	if len(rows) == 0 || len(cols) == 0 {
		return nil, errors.New("chart: a heat map needs rows and columns")
	}
	if len(z) != len(rows) {
		return nil, fmt.Errorf("chart: %d rows of values for %d row labels", len(z), len(rows))
	}
	limit := 0.0
	for r := range z {
		if len(z[r]) != len(cols) {
			return nil, fmt.Errorf("chart: row %d has %d values for %d columns", r+1, len(z[r]), len(cols))
		}
		for _, v := range z[r] {
			if isFinite(v) {
				limit = math.Max(limit, math.Abs(v))
			}
		}
	}
	if limit == 0 {
		limit = 1
	}
	// plotter draws row 0 at the bottom: reverse so the first row is on top.
	n := len(rows)
	rz := make([][]float64, n)
	rrows := make([]string, n)
	var rcells [][]string
	if cells != nil {
		if len(cells) != n {
			return nil, fmt.Errorf("chart: %d rows of cell texts for %d row labels", len(cells), n)
		}
		rcells = make([][]string, n)
	}
	for r := range rows {
		rz[n-1-r], rrows[n-1-r] = z[r], rows[r]
		if cells != nil {
			if len(cells[r]) != len(cols) {
				return nil, fmt.Errorf("chart: row %d has %d cell texts for %d columns", r+1, len(cells[r]), len(cols))
			}
			rcells[n-1-r] = cells[r]
		}
	}
	z, rows, cells = rz, rrows, rcells
	p, cjk := newPlot(l, rows, cols)
	pal := moreland.SmoothBlueRed()
	pal.SetMin(-limit)
	pal.SetMax(limit)
	g := grid{z: z}
	h := plotter.NewHeatMap(g, pal.Palette(255))
	h.Min, h.Max = -limit, limit
	h.NaN = color.RGBA{0xee, 0xee, 0xee, 0xff}
	p.Add(h)
	if cells != nil {
		var xy plotter.XYs
		var text []string
		for r := range cells {
			for c := range cells[r] {
				xy = append(xy, plotter.XY{X: float64(c), Y: float64(r)})
				text = append(text, cells[r][c])
			}
		}
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: text})
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		for i := range lab.TextStyle {
			lab.TextStyle[i].XAlign = draw.XCenter
			lab.TextStyle[i].YAlign = draw.YCenter
			lab.TextStyle[i].Font.Size = 8
			lab.TextStyle[i].Font.Typeface, lab.TextStyle[i].Font.Variant = p.Title.TextStyle.Font.Typeface, p.Title.TextStyle.Font.Variant
		}
		p.Add(lab)
	}
	p.NominalX(cols...)
	p.NominalY(rows...)
	p.X.Padding, p.Y.Padding = 0, 0
	f := newFigure(p, cjk)
	f.Height = vg.Points(math.Max(160, 90+34*float64(len(rows))))
	return f, nil
}

type grid struct{ z [][]float64 }

func (g grid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g grid) Z(c, r int) float64 { return g.z[r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// guard turns a panic of gonum/plot while a figure is built into an error,
// so that odd input never brings down the report or the shell.
func guard(fig **Figure, err *error) {
	if r := recover(); r != nil {
		*fig, *err = nil, fmt.Errorf("chart: cannot draw this data: %v", r)
	}
}

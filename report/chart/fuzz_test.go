package chart

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzFigures: any values and labels give a figure or an error, never a
// panic, and a figure renders to SVG.
func FuzzFigures(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64}, "a,b", uint8(3))
	f.Add([]byte{}, "", uint8(0))
	f.Add(make([]byte, 64), "质量,物流", uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, label string, bins uint8) {
		var v []float64
		for len(raw) >= 8 {
			v = append(v, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
			raw = raw[8:]
		}
		labels := make([]string, len(v))
		groups := make([]string, len(v))
		for i := range labels {
			labels[i] = label
			if i%2 == 0 {
				groups[i] = label
			}
		}
		half := len(v) / 2
		var z [][]float64
		if half > 0 {
			z = [][]float64{v[:half], v[half : 2*half]}
		}
		build := []func() (*Figure, error){
			func() (*Figure, error) { return Bar(Labels{Title: label}, labels, v) },
			func() (*Figure, error) { return HBar(Labels{Note: label}, labels, v) },
			func() (*Figure, error) { return Lines(Labels{}, Series{Name: label, X: v, Y: v}) },
			func() (*Figure, error) { return Scatter(Labels{}, v, v, groups, nil) },
			func() (*Figure, error) { return ScatterByValue(Labels{}, v, v, v, label) },
			func() (*Figure, error) { return Hist(Labels{}, v, int(bins)) },
			func() (*Figure, error) {
				return HeatMap(Labels{}, []string{label, label}, labels[:half], z, nil)
			},
		}
		for _, b := range build {
			fig, err := b()
			if err != nil {
				continue
			}
			fig.SVG() // an error is fine; a panic fails the target
		}
	})
}

package clvfn

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// predictions are per-customer predictions over one horizon.
type predictions struct {
	alive, expected []float64
	avg, clv        []float64 // nil without a spend model
}

// valueOver returns the expected purchases over horizon periods and, when
// value (the expected average value) is finite, the discounted value of
// those purchases: month by month, the expected purchases of month i
// times value, divided by (1+discount)^i; a last partial month counts
// its part. For whole months it is lifetimes' customer_lifetime_value.
// ends are the months' ends, monthEnds(horizon, ppm); cur is scratch of
// the same length.
func valueOver(p *clv.Purchases, x, tx, T, horizon float64, ends []float64, discount, value float64, cur []float64) (expected, total float64) {
	if horizon <= 0 {
		return 0, 0
	}
	if math.IsNaN(value) {
		return p.ExpectedPurchases(horizon, x, tx, T), math.NaN()
	}
	// Every month's expectation at once: P(alive) once, the months' 2F1
	// series side by side; the same values as one ExpectedPurchases call
	// per month.
	p.ExpectedPath(ends, x, tx, T, cur)
	prev, disc := 0.0, 1.0
	for _, c := range cur[:len(ends)] {
		disc /= 1 + discount
		total += (c - prev) * value * disc
		prev = c
	}
	return prev, total
}

// monthEnds returns the ends of the months of horizon periods, ppm periods
// to a month: min(i·ppm, horizon) for i = 1..ceil(horizon/ppm); a last
// partial month ends at horizon.
func monthEnds(horizon, ppm float64) []float64 {
	if horizon <= 0 {
		return nil
	}
	months := int(math.Ceil(horizon/ppm - 1e-9))
	ends := make([]float64, months)
	for i := range ends {
		ends[i] = math.Min(float64(i+1)*ppm, horizon)
	}
	return ends
}

// predictChunk is how many customers a worker predicts between two looks
// at the stop flag.
const predictChunk = 2048

// predictAll predicts every customer of m over horizon periods, on
// threads goroutines (0: all cores), polling c for an interrupt on the
// calling goroutine while the workers run.
func predictAll(c *core.Conn, m *Model, horizon, discount float64, threads int) (*predictions, error) {
	n := len(m.Keys)
	p := &predictions{alive: make([]float64, n), expected: make([]float64, n)}
	if m.Spend != nil {
		p.avg, p.clv = make([]float64, n), make([]float64, n)
	}
	ends := monthEnds(horizon, m.periodsPerMonth())
	var stop atomic.Bool
	work := func(lo, hi int, cur []float64) {
		// The stop flag is read per customer too: at a long horizon one
		// customer costs a series per month, and a chunk seconds.
		for i := lo; i < hi && !stop.Load(); i++ {
			x, tx, T := m.X[i], m.TX[i], m.T[i]
			p.alive[i] = m.Purchases.PAlive(x, tx, T)
			value := math.NaN()
			if m.Spend != nil {
				value = m.Spend.ExpectedAverage(x, m.M[i])
				p.avg[i] = value
			}
			e, v := valueOver(m.Purchases, x, tx, T, horizon, ends, discount, value, cur)
			p.expected[i] = e
			if p.clv != nil {
				p.clv[i] = v
			}
		}
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	chunks := (n + predictChunk - 1) / predictChunk
	threads = max(1, min(threads, chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur := make([]float64, len(ends))
			for !stop.Load() {
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				work(k*predictChunk, min(n, (k+1)*predictChunk), cur)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	ctx := c.Context()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return p, ctx.Err()
		case <-tick.C:
			if err := ctx.Err(); err != nil {
				stop.Store(true)
				<-done
				return nil, err
			}
		}
	}
}

// finite returns v, or nil (SQL NULL) when it is NaN or infinite.
func finite(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func load(c *core.Conn, fn string, arg any) (*Model, error) {
	return core.LoadModelArg(c, fn, arg, Kind, Decode)
}

var predictCols = []string{"customer", "frequency REAL", "recency REAL", "T REAL", "p_alive REAL",
	"expected_purchases REAL", "expected_avg_value REAL", "clv REAL"}

// horizonArg reads an optional horizon argument in the model's time unit.
func horizonArg(fn string, m *Model, v any) (float64, error) {
	h, ok, err := core.Number(fn, "horizon", v)
	if err != nil {
		return 0, err
	}
	if !ok {
		return m.Horizon, nil
	}
	if err := checkHorizon(fn, "horizon", h, m.TimeUnit); err != nil {
		return 0, err
	}
	return h, nil
}

func predictSQL(c *core.Conn, args []any) ([][]any, error) {
	const fn = "clv_predict"
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	h, err := horizonArg(fn, m, args[1])
	if err != nil {
		return nil, err
	}
	o, err := core.ParseOptions(fn, args[2], []string{"discount_rate", "threads"})
	if err != nil {
		return nil, err
	}
	discount := o.Float("discount_rate", m.Discount, 0, 1)
	th := o.Int("threads", 0, 0, 1024)
	if err := o.Err(); err != nil {
		return nil, err
	}
	p, err := predictAll(c, m, h, discount, threads(th, c))
	if err != nil {
		return nil, core.TrainError(fn, err, false)
	}
	out := make([][]any, len(m.Keys))
	vals := make([]any, 8*len(m.Keys))
	for i, k := range m.Keys {
		v := vals[8*i : 8*i+8 : 8*i+8]
		v[0], v[1], v[2], v[3] = k, m.X[i], m.TX[i], m.T[i]
		v[4], v[5] = finite(p.alive[i]), finite(p.expected[i])
		if p.avg != nil {
			v[6], v[7] = finite(p.avg[i]), finite(p.clv[i])
		}
		out[i] = v
	}
	return out, nil
}

// history reads the frequency, recency and T arguments of a scalar.
func history(fn string, args []any) (x, tx, T float64, ok bool, err error) {
	var v [3]float64
	for i, name := range []string{"frequency", "recency", "T"} {
		f, given, err := core.Number(fn, name, args[i])
		if err != nil || !given {
			return 0, 0, 0, false, err
		}
		v[i] = f
	}
	d := &clv.Data{X: v[:1], TX: v[1:2], T: v[2:3]}
	if err := d.Check(); err != nil {
		return 0, 0, 0, false, core.Errorf(fn, "frequency %g, recency %g, T %g: frequency must be a whole number >= 0, 0 <= recency <= T, and recency 0 when frequency is 0", v[0], v[1], v[2])
	}
	return v[0], v[1], v[2], true, nil
}

func pAliveSQL(c *core.Conn, args []any) (any, error) {
	const fn = "clv_p_alive"
	if len(args) != 4 {
		return nil, core.Errorf(fn, "takes (model, frequency, recency, T), got %d arguments", len(args))
	}
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	x, tx, T, ok, err := history(fn, args[1:])
	if err != nil || !ok {
		return nil, err
	}
	return finite(m.Purchases.PAlive(x, tx, T)), nil
}

func expectedSQL(c *core.Conn, args []any) (any, error) {
	const fn = "clv_expected_purchases"
	if len(args) != 5 {
		return nil, core.Errorf(fn, "takes (model, t, frequency, recency, T), got %d arguments", len(args))
	}
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	t, given, err := core.Number(fn, "t", args[1])
	if err != nil || !given {
		return nil, err
	}
	if err := checkHorizon(fn, "t", t, m.TimeUnit); err != nil {
		return nil, err
	}
	x, tx, T, ok, err := history(fn, args[2:])
	if err != nil || !ok {
		return nil, err
	}
	return finite(m.Purchases.ExpectedPurchases(t, x, tx, T)), nil
}

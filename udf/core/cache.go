package core

import (
	"database/sql/driver"

	"github.com/seed-a084b42d/marketsql/catalog"
)

// The model cache: one per connection, serving every family.
//
// A scoring function runs once per row of a query (kmeans_assign in a
// SELECT, recommend in a join), so a connection keeps every model it
// decoded, and telling whether the copy is still the stored model has to
// be cheap as well. The model's stamp (catalog.GetStamp) is exact but reads
// the last bytes of its params blob, and SQLite reads a multi-megabyte blob
// whole to get there: for an ALS model of 20,000 customers that check
// costs ten times the call it serves. So a call first runs a probe that
// reads no blob:
//
//   - total_changes() counts every row this connection inserted, updated or
//     deleted (a training, ml_drop, a hand-made UPDATE of ml_models; rolled
//     back or not);
//   - the model row's rowid, version, created_at, train_seconds and
//     length(params), which SQLite reads without the blob. Every training
//     writes a new version, created_at and train_seconds (a training times
//     itself), so they move when the model is retrained or dropped, by this
//     connection or by one that committed, and when a ROLLBACK, which moves
//     no counter, restores an earlier model.
//
// While the probe gives what it gave when the copy was last checked, the
// copy is used as it is. When anything in it moved, the stamp decides: the
// copy is kept if the stamp is unchanged (another table was written), and
// read and decoded again otherwise.
//
// What the probe cannot see is a hand-made UPDATE of params to a blob of
// the same length, without a new version, by another connection, or by
// this one in a transaction that it then rolls back. PRAGMA data_version
// would see the first, but reading it in the probe costs a third of a call
// to recommend.

// probeSQL reads the probe of one model; see above.
const probeSQL = `SELECT total_changes(), rowid, version, created_at, train_seconds, length(params)
  FROM ml_models WHERE name = ?`

// probe is the result of probeSQL as comparable values: int64, float64,
// string or nil (a blob where text belongs becomes text).
type probe [6]any

type cachedModel struct {
	stamp catalog.Stamp
	// probe is the probe under which the copy was last found current;
	// probed is false when none could be read, and then every call
	// compares stamps.
	probe  probe
	probed bool
	kind   string
	model  any
}

// readProbe runs probeSQL for name; ok is false when it cannot tell (no
// catalog, no such model, an error), and the caller then compares stamps,
// which reports those cases in full.
func (c *Conn) readProbe(name string) (p probe, ok bool) {
	rows, err := c.SQL.Query(probeSQL, []driver.Value{name})
	if err != nil {
		return p, false
	}
	defer rows.Close()
	vals := make([]driver.Value, len(p))
	if rows.Next(vals) != nil {
		return p, false
	}
	for k, v := range vals {
		if b, isBlob := v.([]byte); isBlob {
			v = string(b) // a slice is not comparable
		}
		p[k] = v
	}
	return p, true
}

// LoadModel returns the decoded model called name, decoding it only when it
// changed since the last call on this connection. decode turns the catalog row
// into the family's model type; kind is the model kind the caller expects.
func (c *Conn) LoadModel(fn, name, kind string, decode func(*catalog.Model) (any, error)) (any, error) {
	c.mu.Lock()
	e, cached := c.cache[name]
	c.mu.Unlock()
	if !cached { // a cached name was checked when it was stored
		if err := catalog.CheckName(name); err != nil {
			return nil, Errorf(fn, "%v", err)
		}
	}
	// The probe comes before the stamp and the model: were the model
	// replaced in between, the copy would be checked again at the next
	// call rather than kept under a probe of a state older than it.
	p, probed := c.readProbe(name)
	if cached && probed && e.probed && e.probe == p {
		return checkKind(fn, name, kind, e)
	}
	stamp, err := catalog.GetStamp(c.SQL, name)
	if err != nil {
		return nil, Errorf(fn, "%w; list models with SELECT name, kind FROM ml_models", err)
	}
	if cached && e.stamp == stamp {
		e.probe, e.probed = p, probed
		c.store(name, e)
		return checkKind(fn, name, kind, e)
	}
	m, err := catalog.Get(c.SQL, name)
	if err != nil {
		return nil, Errorf(fn, "%w", err)
	}
	if m.Kind != kind {
		return nil, kindError(fn, name, m.Kind, kind)
	}
	v, err := decode(m)
	if err != nil {
		return nil, Errorf(fn, "model %q: %w; retrain it", name, err)
	}
	c.store(name, cachedModel{stamp: stamp, probe: p, probed: probed, kind: kind, model: v})
	return v, nil
}

func (c *Conn) store(name string, e cachedModel) {
	c.mu.Lock()
	c.cache[name] = e
	c.mu.Unlock()
}

func checkKind(fn, name, kind string, e cachedModel) (any, error) {
	if e.kind != kind {
		return nil, kindError(fn, name, e.kind, kind)
	}
	return e.model, nil
}

// kindError reports a model of another family than the function's.
func kindError(fn, name, have, want string) error {
	return Errorf(fn, "model %q is a %s model, not %s", name, have, want)
}

// Forget drops the cached copy of a model (after training or dropping it),
// so the memory of a dropped model is released at once.
func (c *Conn) Forget(name string) {
	c.mu.Lock()
	delete(c.cache, name)
	c.mu.Unlock()
}

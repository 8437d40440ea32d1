package core

import (
	"github.com/seed-a084b42d/marketsql/catalog"
)

type cachedModel struct {
	stamp catalog.Stamp
	kind  string
	model any
}

// LoadModel returns the decoded model called name, decoding it only when it
// changed since the last call on this connection. decode turns the catalog row
// into the family's model type; kind is the model kind the caller expects.
func (c *Conn) LoadModel(fn, name, kind string, decode func(*catalog.Model) (any, error)) (any, error) {
	if err := catalog.CheckName(name); err != nil {
		return nil, Errorf(fn, "%v", err)
	}
	stamp, err := catalog.GetStamp(c.SQL, name)
	if err != nil {
		return nil, Errorf(fn, "%w; list models with SELECT name, kind FROM ml_models", err)
	}
	c.mu.Lock()
	e, ok := c.cache[name]
	c.mu.Unlock()
	if ok && e.stamp == stamp {
		if e.kind != kind {
			return nil, Errorf(fn, "model %q is a %s model, not %s", name, e.kind, kind)
		}
		return e.model, nil
	}
	m, err := catalog.Get(c.SQL, name)
	if err != nil {
		return nil, Errorf(fn, "%w", err)
	}
	if m.Kind != kind {
		return nil, Errorf(fn, "model %q is a %s model, not %s", name, m.Kind, kind)
	}
	v, err := decode(m)
	if err != nil {
		return nil, Errorf(fn, "model %q: %w; retrain it", name, err)
	}
	c.mu.Lock()
	c.cache[name] = cachedModel{stamp: stamp, kind: kind, model: v}
	c.mu.Unlock()
	return v, nil
}

// Forget drops the cached copy of a model (after training or dropping it).
func (c *Conn) Forget(name string) {
	c.mu.Lock()
	delete(c.cache, name)
	c.mu.Unlock()
}

package recommendfn

import (
	"database/sql/driver"
	"io"
	"runtime"
	"sync"
	"weak"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// A recommend call in a join runs once per outer row. core.LoadModel checks
// the model's stamp with a query that reads the end of its params blob, and
// SQLite reads a multi-megabyte blob whole to do so: half the time of
// materializing every customer's recommendations. So the model is kept per
// connection together with a cheap token of the database's state, and the
// full check runs only when the token moved.
//
// The token is (total_changes(), PRAGMA data_version): the first counts
// every row this connection inserted, updated or deleted (a training, an
// ml_drop, an UPDATE of ml_models; rolled back or not), the second changes
// whenever another connection commits. While both stand still, no model can
// have changed.

type stateToken struct{ changes, version int64 }

type fastEntry struct {
	tok   stateToken
	model *Model
}

type connCache struct {
	mu      sync.Mutex
	entries map[string]fastEntry
}

var caches sync.Map // weak.Pointer[core.Conn] -> *connCache

func cacheFor(c *core.Conn) *connCache {
	k := weak.Make(c)
	if v, ok := caches.Load(k); ok {
		return v.(*connCache)
	}
	cc := &connCache{entries: map[string]fastEntry{}}
	if v, loaded := caches.LoadOrStore(k, cc); loaded {
		return v.(*connCache)
	}
	runtime.AddCleanup(c, func(k weak.Pointer[core.Conn]) { caches.Delete(k) }, k)
	return cc
}

func token(c *core.Conn) (stateToken, bool) {
	rows, err := c.SQL.Query(`SELECT total_changes(), data_version FROM pragma_data_version`, nil)
	if err != nil {
		return stateToken{}, false
	}
	defer rows.Close()
	vals := make([]driver.Value, 2)
	if err := rows.Next(vals); err != nil && err != io.EOF {
		return stateToken{}, false
	}
	a, ok1 := vals[0].(int64)
	b, ok2 := vals[1].(int64)
	return stateToken{a, b}, ok1 && ok2
}

// loadCached returns the model called name as load does, skipping the full
// check while the database state token has not moved.
func loadCached(c *core.Conn, fn string, name string) (*Model, error) {
	tok, ok := token(c)
	cc := cacheFor(c)
	if ok {
		cc.mu.Lock()
		e, hit := cc.entries[name]
		cc.mu.Unlock()
		if hit && e.tok == tok {
			return e.model, nil
		}
	}
	m, err := core.LoadModelAs(c, fn, name, Kind, Decode)
	if err != nil {
		return nil, err
	}
	if ok {
		cc.mu.Lock()
		cc.entries[name] = fastEntry{tok, m}
		cc.mu.Unlock()
	}
	return m, nil
}

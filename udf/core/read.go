package core

// BeginRead marks the start of a source query read by a family's own reader
// (not ReadMatrix); the returned func marks its end. While it runs, functions
// that write refuse to run inside that query (see CheckWrite).
func (c *Conn) BeginRead() func() { return c.beginRead() }

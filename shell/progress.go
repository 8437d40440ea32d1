package shell

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
)

// progressBar draws the progress events of a long call (training) on one
// line of a terminal: function, model, phase, a bar when the phase's size
// is known, the elapsed time and the phase's detail. It draws at most ten
// times a second, only once a statement has reported progress for a
// quarter of a second (a quick call leaves no trace), and clear erases the
// line when the statement ends.
type progressBar struct {
	w     io.Writer
	width int // columns available; the line is cut to fit

	mu    sync.Mutex
	start time.Time // of the first event of the running statement
	last  time.Time
	drawn bool
}

// newProgressBar draws on w, a terminal width columns wide (0: unknown).
func newProgressBar(w io.Writer, width int) *progressBar {
	if width <= 0 {
		width = 80
	}
	return &progressBar{w: w, width: width - 1}
}

const (
	progressDelay    = 250 * time.Millisecond
	progressInterval = 100 * time.Millisecond
)

// event receives an engine progress event; it runs on the goroutine of the
// statement and must be quick.
func (p *progressBar) event(ev engine.Progress) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.start.IsZero() {
		p.start = now
	}
	// The statement's time so far: the call's own clock may start later.
	ev.Elapsed = max(ev.Elapsed, now.Sub(p.start))
	if now.Sub(p.start) < progressDelay || p.drawn && now.Sub(p.last) < progressInterval {
		return
	}
	p.last = now
	p.drawn = true
	fmt.Fprintf(p.w, "\r%s\x1b[K", renderProgress(ev, p.width))
}

// clear erases the progress line, if one was drawn.
func (p *progressBar) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start = time.Time{}
	if p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// renderProgress is the text of the progress line for ev, at most width
// characters.
func renderProgress(ev engine.Progress, width int) string {
	var b strings.Builder
	b.WriteString(ev.Function)
	if ev.Model != "" {
		b.WriteString(" " + ev.Model)
	}
	if ev.Phase != "" {
		b.WriteString(": " + ev.Phase)
	}
	if ev.Total > 0 {
		frac := min(max(ev.Done/ev.Total, 0), 1)
		const n = 20
		full := int(frac * n)
		fmt.Fprintf(&b, " [%s%s] %3.0f%%", strings.Repeat("#", full), strings.Repeat(".", n-full), frac*100)
	}
	fmt.Fprintf(&b, " %.1fs", ev.Elapsed.Seconds())
	switch {
	case ev.Detail != "":
		b.WriteString(" " + ev.Detail)
	case ev.Iteration > 0:
		fmt.Fprintf(&b, " iteration %d", ev.Iteration)
	}
	b.WriteString(" (Ctrl-C cancels)")
	s := b.String()
	if r := []rune(s); len(r) > width {
		s = string(r[:width])
	}
	return s
}

package shell

import (
	"bufio"
	"io"
	"os"
	"path/filepath"

	"github.com/peterh/liner"
)

// Prompts of an interactive session: the first line of a statement, and
// the lines that continue it.
const (
	promptMain     = "marketsql> "
	promptContinue = "   ...> "
)

// interactive reads commands from the terminal with line editing (liner):
// history kept in cfg.HistoryFile, one entry per command (a statement typed
// on several lines is one entry), tab completion, Ctrl-C abandoning the
// line being typed and Ctrl-D ending the session.
func (s *Shell) interactive() {
	if !IsTerminal(os.Stdout) && IsTerminal(os.Stdin) {
		// Output piped elsewhere (marketsql db | tee log): prompt on
		// stderr and read plain lines, as line editing needs the terminal
		// for its output too.
		if s.cfg.Banner != "" {
			io.WriteString(s.stderr, s.cfg.Banner)
		}
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 64<<10), 1<<30)
		s.process(promptReader{scanReader{sc}, s}, true, nil)
		return
	}
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true) // a long statement wraps instead of scrolling sideways
	ln.SetTabCompletionStyle(liner.TabPrints)
	s.completion = &completer{s: s}
	ln.SetWordCompleter(s.completion.complete)
	if s.cfg.HistoryFile != "" {
		if f, err := os.Open(s.cfg.HistoryFile); err == nil {
			ln.ReadHistory(f)
			f.Close()
		}
	}
	if s.cfg.Banner != "" {
		s.out.WriteString(s.cfg.Banner)
	}
	s.process(linerReader{ln: ln, s: s}, true, func(entry string) {
		ln.AppendHistory(entry)
		s.saveHistory(ln)
	})
	s.flush()
}

// saveHistory writes the history file (the whole history, which liner keeps
// bounded), so that a session that is killed loses nothing.
func (s *Shell) saveHistory(ln *liner.State) {
	if s.cfg.HistoryFile == "" {
		return
	}
	tmp := s.cfg.HistoryFile + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	_, werr := ln.WriteHistory(f)
	if cerr := f.Close(); werr == nil && cerr == nil {
		os.Rename(tmp, filepath.Clean(s.cfg.HistoryFile))
	} else {
		os.Remove(tmp)
	}
}

// linerReader reads lines from the terminal with liner.
type linerReader struct {
	ln *liner.State
	s  *Shell
}

func (r linerReader) readLine(pending bool) (string, error) {
	r.s.flush()
	r.s.drainInterrupts()
	p := promptMain
	if pending {
		p = promptContinue
	}
	line, err := r.ln.Prompt(p)
	switch err {
	case liner.ErrPromptAborted:
		return "", errAborted
	case nil:
		return line, nil
	}
	os.Stdout.WriteString("\n") // end the prompt line after Ctrl-D
	return "", err
}

// drainInterrupts forgets interrupts that arrived while no statement ran.
func (s *Shell) drainInterrupts() {
	for {
		select {
		case <-s.interrupt:
		default:
			s.interrupted.Store(false)
			return
		}
	}
}

// promptReader prompts on stderr and reads plain lines.
type promptReader struct {
	r scanReader
	s *Shell
}

func (r promptReader) readLine(pending bool) (string, error) {
	r.s.flush()
	r.s.drainInterrupts()
	p := promptMain
	if pending {
		p = promptContinue
	}
	io.WriteString(r.s.stderr, p)
	return r.r.readLine(pending)
}

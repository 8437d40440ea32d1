package text

import (
	"strconv"
	"unicode/utf8"
)

// Abbreviate shortens s to at most max bytes, cut at a character boundary,
// followed by "...", so that a huge value quoted in an error message stays
// readable. It is the one abbreviation every message of the project uses.
func Abbreviate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Quote is strconv.Quote of s abbreviated to max bytes.
func Quote(s string, max int) string { return strconv.Quote(Abbreviate(s, max)) }

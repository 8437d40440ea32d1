// Package text turns customer text into the terms of a bag of words: Unicode
// word segmentation (UAX #29), lower-casing, removal of numbers, punctuation
// and stop words (an English and a Chinese list, embedded), a minimum token
// length and optional English stemming. Runs of Chinese characters are
// segmented into words by a dictionary-based segmenter (go-ego/gse, the
// jieba algorithm) whose simplified-Chinese dictionary is embedded in the
// binary, so it works on a machine with no Go module cache.
//
// The language is chosen per run of text by its script: Han characters are
// segmented with the dictionary, everything else by UAX #29 word boundaries.
// Language "en" turns the dictionary off (each Han character is then a word
// of its own, shorter than the Chinese minimum length by default).
//
// A token longer than Options.MaxTokenBytes is skipped before it is copied
// or lower-cased, and counted (AppendCount), so a text made of one huge
// "word" costs no more than its own bytes.
package text

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
	"github.com/go-ego/gse"
	"github.com/kljensen/snowball/english"
)

var (
	//go:embed dict/stop_en.txt
	stopEN string
	//go:embed dict/stop_zh.txt
	stopZH string
	//go:embed dict/stop_zh_extra.txt
	stopZHExtra string
	//go:embed dict/zh_s.txt.gz
	zhDictGz []byte
)

// Options configures a Tokenizer. Start from Defaults and change what
// differs: a zero field means zero (no minimum length, no length limit).
type Options struct {
	// Language is "auto" (or ""): Han runs are segmented with the Chinese
	// dictionary, other text by UAX #29; "zh" is the same; "en" never uses
	// the dictionary.
	Language string
	// MinLength is the minimum length in characters of a non-Chinese token.
	MinLength int
	// MinLengthCJK is the minimum length in characters of a Chinese token.
	MinLengthCJK int
	// Stem reduces English words to their Snowball (Porter2) stem.
	Stem bool
	// KeepStopWords keeps the words of the embedded stop lists.
	KeepStopWords bool
	// StopWords are further words to drop (compared after lower-casing).
	StopWords []string
	// UserWords are Chinese words the segmenter must keep whole (domain
	// words and brand names the dictionary lacks).
	UserWords []string
	// MaxTokenBytes skips tokens longer than this many bytes of UTF-8, as
	// written in the text (before lower-casing); 0 means no limit.
	MaxTokenBytes int
}

// Defaults returns the documented defaults: language "auto", tokens of at
// least 3 characters (2 for Chinese words, whose single characters are
// mostly particles or fragments), no stemming, the stop lists applied and
// tokens longer than DefaultMaxTokenBytes skipped.
func Defaults() Options {
	return Options{Language: "auto", MinLength: 3, MinLengthCJK: 2, MaxTokenBytes: DefaultMaxTokenBytes}
}

// DefaultMaxTokenBytes is the default token length limit: 64 bytes is 64
// Latin letters or 21 Chinese characters, longer than the words of any
// dictionary, and short enough that a vocabulary of 100000 terms stays
// small.
const DefaultMaxTokenBytes = 64

// Tokenizer splits text into terms. It is safe for concurrent use.
type Tokenizer struct {
	opt       Options
	stop      map[string]bool
	userWords map[rune][]string // by first rune, longest first
	chinese   bool
}

// New returns a tokenizer.
func New(opt Options) (*Tokenizer, error) {
	switch opt.Language {
	case "", "auto", "zh", "en":
	default:
		return nil, fmt.Errorf("language must be \"auto\", \"en\" or \"zh\", got %q", abbreviate(opt.Language))
	}
	if opt.MinLength < 0 || opt.MinLengthCJK < 0 || opt.MaxTokenBytes < 0 {
		return nil, fmt.Errorf("token lengths must not be negative")
	}
	t := &Tokenizer{opt: opt, stop: map[string]bool{}, chinese: opt.Language != "en"}
	if !opt.KeepStopWords {
		for _, list := range []string{stopEN, stopZH, stopZHExtra} {
			for _, w := range strings.Split(list, "\n") {
				if w = strings.TrimSpace(w); w != "" {
					t.stop[w] = true
				}
			}
		}
	}
	for _, w := range opt.StopWords {
		t.stop[strings.ToLower(strings.TrimSpace(w))] = true
	}
	if len(opt.UserWords) > 0 {
		t.userWords = map[rune][]string{}
		for _, w := range opt.UserWords {
			w = strings.TrimSpace(w)
			if w == "" {
				continue
			}
			r, _ := utf8.DecodeRuneInString(w)
			t.userWords[r] = append(t.userWords[r], w)
		}
		for r, ws := range t.userWords {
			// longest first, so the longest user word wins
			for i := 1; i < len(ws); i++ {
				for j := i; j > 0 && len(ws[j]) > len(ws[j-1]); j-- {
					ws[j], ws[j-1] = ws[j-1], ws[j]
				}
			}
			t.userWords[r] = ws
		}
	}
	return t, nil
}

// Bag counts a token stream: the distinct terms in first-seen order and
// how often each occurs.
func Bag(tokens []string) ([]string, []float64) {
	at := map[string]int{}
	var terms []string
	var counts []float64
	for _, t := range tokens {
		if i, ok := at[t]; ok {
			counts[i]++
			continue
		}
		at[t] = len(terms)
		terms = append(terms, t)
		counts = append(counts, 1)
	}
	return terms, counts
}

// Tokens returns the terms of s in text order. Invalid UTF-8 bytes are
// treated as spaces.
func (t *Tokenizer) Tokens(s string) []string { return t.Append(nil, s) }

// Append appends the terms of s to dst.
func (t *Tokenizer) Append(dst []string, s string) []string {
	dst, _ = t.AppendCount(dst, s)
	return dst
}

// AppendCount is Append that also returns how many tokens of s it skipped
// for being longer than MaxTokenBytes.
func (t *Tokenizer) AppendCount(dst []string, s string) ([]string, int) {
	long := 0
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	if !t.chinese {
		return t.appendWords(dst, s, &long), long
	}
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isHan(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isHan(r) {
				break
			}
			j += size
		}
		dst = t.appendWords(dst, s[start:i], &long)
		dst = t.appendChinese(dst, s[i:j], &long)
		start, i = j, j
	}
	return t.appendWords(dst, s[start:], &long), long
}

// tooLong reports whether a token of n bytes is over the limit.
func (t *Tokenizer) tooLong(n int) bool { return t.opt.MaxTokenBytes > 0 && n > t.opt.MaxTokenBytes }

func isHan(r rune) bool { return r >= 0x2E80 && unicode.Is(unicode.Han, r) }

// appendWords tokenizes non-Chinese text by UAX #29 word boundaries,
// counting in *long the tokens over the length limit.
func (t *Tokenizer) appendWords(dst []string, s string, long *int) []string {
	if s == "" {
		return dst
	}
	it := words.FromString(s)
	for it.Next() {
		w := it.Value()
		letters, other := false, false
		for _, r := range w {
			switch {
			case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
				letters = true
			case r == '\'' || r == '\u2019' || r == '.':
			default:
				other = true // digits, symbols, punctuation, emoji
			}
		}
		if !letters || other {
			continue
		}
		if t.tooLong(len(w)) {
			// Never lower-case (copy) an over-long token; its short
			// dot-separated parts (a.very.long.host.name) are words.
			for _, part := range strings.Split(w, ".") {
				if t.tooLong(len(part)) {
					*long++
				} else if part != "" {
					dst = t.appendWords(dst, part, long)
				}
			}
			continue
		}
		w = strings.ToLower(w)
		w = strings.ReplaceAll(w, "\u2019", "'")
		w = strings.TrimSuffix(w, "'s")
		if strings.ContainsRune(w, '\'') {
			continue // contractions (don't, i'm) are function words
		}
		for _, part := range strings.Split(w, ".") { // u.s, example.com
			dst = t.appendWord(dst, part, long)
		}
	}
	return dst
}

func (t *Tokenizer) appendWord(dst []string, w string, long *int) []string {
	if t.tooLong(len(w)) { // lower-casing can lengthen a word
		*long++
		return dst
	}
	if utf8.RuneCountInString(w) < t.opt.MinLength || t.stop[w] {
		return dst
	}
	if t.opt.Stem {
		w = english.Stem(w, false)
		if t.stop[w] || utf8.RuneCountInString(w) < t.opt.MinLength {
			return dst
		}
	}
	return append(dst, w)
}

// appendChinese segments a run of Han characters into dictionary words.
func (t *Tokenizer) appendChinese(dst []string, s string, long *int) []string {
	if t.userWords != nil {
		start := 0
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			matched := ""
			for _, w := range t.userWords[r] {
				if strings.HasPrefix(s[i:], w) {
					matched = w
					break
				}
			}
			if matched == "" {
				i += size
				continue
			}
			dst = t.appendSegments(dst, s[start:i], long)
			if t.tooLong(len(matched)) {
				*long++
			} else if !t.stop[matched] {
				dst = append(dst, matched)
			}
			i += len(matched)
			start = i
		}
		return t.appendSegments(dst, s[start:], long)
	}
	return t.appendSegments(dst, s, long)
}

func (t *Tokenizer) appendSegments(dst []string, s string, long *int) []string {
	if s == "" {
		return dst
	}
	seg, err := segmenter()
	if err != nil {
		panic(err) // the embedded dictionary is part of the build
	}
	for _, w := range seg.Cut(s, false) {
		if t.tooLong(len(w)) {
			*long++
			continue
		}
		if utf8.RuneCountInString(w) < t.opt.MinLengthCJK || t.stop[w] || (!t.opt.KeepStopWords && isNumeralWord(w)) {
			continue
		}
		dst = append(dst, w)
	}
	return dst
}

var (
	segOnce sync.Once
	seg     *gse.Segmenter
	segErr  error
)

// segmenter loads the embedded dictionary once per process (about a second).
func segmenter() (*gse.Segmenter, error) {
	segOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(zhDictGz))
		if err != nil {
			segErr = fmt.Errorf("text: embedded Chinese dictionary: %w", err)
			return
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			segErr = fmt.Errorf("text: embedded Chinese dictionary: %w", err)
			return
		}
		s := &gse.Segmenter{SkipLog: true}
		if err := s.LoadDictStr(string(b)); err != nil {
			segErr = fmt.Errorf("text: embedded Chinese dictionary: %w", err)
			return
		}
		seg = s
	})
	return seg, segErr
}

// Chinese numerals (〇, U+3007, is the zero of written years and
// numbers: 二〇二三), and the measure words that follow them in a quantity.
const (
	zhNumerals = "零〇一二两三四五六七八九十百千万亿几半"
	zhMeasures = "个份块次点些盒碗瓶杯袋斤元毛只条张件串多"
)

// isNumeralWord reports whether a segment is a Chinese number or a
// quantity (两, 一半, 一份, 两个, 一个半, 十几块): numbers are not topic
// words, whatever the script.
func isNumeralWord(w string) bool {
	for i, r := range w {
		if !strings.ContainsRune(zhNumerals, r) && (i == 0 || !strings.ContainsRune(zhMeasures, r)) {
			return false
		}
	}
	return w != ""
}

// InDictionary reports whether w is a word of the embedded Chinese dictionary.
func InDictionary(w string) bool {
	s, err := segmenter()
	if err != nil {
		return false
	}
	_, _, ok := s.Find(w)
	return ok
}

// abbreviate shortens a user's value quoted in an error message.
func abbreviate(s string) string { return Abbreviate(s, 40) }

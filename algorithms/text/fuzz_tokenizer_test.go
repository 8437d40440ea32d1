package text

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzTokenizerBytes gives the tokenizers arbitrary bytes (invalid UTF-8,
// NUL, control characters, any script) and checks what every term must
// be: valid UTF-8, at least two characters, lower-case, made of letters
// and combining marks only (Han characters included), and the same as for
// the text with each invalid byte made a space, as documented. Appending
// keeps what the destination held. It runs the default tokenizer, the
// English one with stemming, and one with user words.
func FuzzTokenizerBytes(f *testing.F) {
	for _, s := range []string{
		"The U.S. company's shares rose 3.5 pct",
		"送餐速度太慢了，米饭都凉了 abc",
		"\xff\xfe\x00 Ω≈ç√ 🍕 ١٢٣",
		"caf\u0065\u0301 naïve İstanbul ǅemal ß",
		"don't it’s o'neill e.g. a.b.c.d",
		"\xe9\x80\x81\xe9\xa4 送餐 \xc0\x80",
		"〇〇 一个半 〡〢〣",
		strings.Repeat("a", 300) + " " + strings.Repeat("送", 100),
		"\u200d\u0301\u0301abc\ufeffdef",
		"running runners ran easily",
	} {
		f.Add([]byte(s))
	}
	tokenizers := map[string]*Tokenizer{}
	for name, opt := range map[string]Options{
		"default":    Defaults(),
		"en+stem":    defaultsWith(func(o *Options) { o.Language = "en"; o.Stem = true }),
		"user words": defaultsWith(func(o *Options) { o.UserWords = []string{"送餐", "米饭都"}; o.MinLength = 1; o.MinLengthCJK = 1 }),
	} {
		tk, err := New(opt)
		if err != nil {
			f.Fatal(err)
		}
		tokenizers[name] = tk
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := string(data)
		for name, tk := range tokenizers {
			toks := tk.Tokens(s)
			minLen := 2
			if name == "user words" {
				minLen = 1
			}
			for _, w := range toks {
				if !utf8.ValidString(w) {
					t.Fatalf("%s: term %q of %q is not UTF-8", name, w, s)
				}
				if utf8.RuneCountInString(w) < minLen {
					t.Fatalf("%s: term %q of %q is shorter than %d characters", name, w, s, minLen)
				}
				for _, r := range w {
					if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !isHan(r) {
						t.Fatalf("%s: term %q of %q holds %U, neither a letter nor a mark", name, w, s, r)
					}
				}
				if lw := strings.ToLower(w); lw != w {
					t.Fatalf("%s: term %q of %q is not lower-case (%q)", name, w, s, lw)
				}
			}
			if v := tk.Tokens(strings.ToValidUTF8(s, " ")); !slices.Equal(v, toks) {
				t.Fatalf("%s: %q gives %q, with spaces for its invalid bytes %q", name, s, toks, v)
			}
			dst := tk.Append([]string{"kept"}, s)
			if len(dst) != len(toks)+1 || dst[0] != "kept" || !slices.Equal(dst[1:], toks) {
				t.Fatalf("%s: Append gives %q, Tokens %q", name, dst, toks)
			}
		}
	})
}

package text

import (
	"bufio"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// expected: testdata/text/zh_expected.tsv, reviewed by hand word by word
// (see its header): every expected term is a dictionary word of 2+
// characters or one of the line's user words, and the segmentation gives
// exactly those terms.
func TestChineseSentences(t *testing.T) {
	f, err := os.Open("../../testdata/text/zh_expected.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, withUser := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 2 || len(parts) > 3 {
			t.Fatalf("bad line %q", line)
		}
		want := strings.Fields(parts[1])
		var user []string
		if len(parts) == 3 {
			user = strings.Fields(parts[2])
			withUser++
		}
		tk, err := New(defaultsWith(func(o *Options) { o.UserWords = user }))
		if err != nil {
			t.Fatal(err)
		}
		if got := tk.Tokens(parts[0]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s (user words %q): got %q, want %q", parts[0], user, got, want)
		}
		for _, w := range want {
			if !slices.Contains(user, w) && !InDictionary(w) || utf8.RuneCountInString(w) < 2 {
				t.Errorf("%s: expected term %q is neither a dictionary word of 2+ characters nor a user word", parts[0], w)
			}
		}
		n++
	}
	if n < 20 || withUser < 3 {
		t.Fatalf("only %d sentences, %d with user words", n, withUser)
	}
}

func TestEnglish(t *testing.T) {
	t.Parallel()
	tk, _ := New(Defaults())
	cases := []struct{ in, want string }{
		{"The U.S. company's shares rose 3.5 pct to 12 dlrs, Reuter said.", "company shares rose pct dlrs reuter said"},
		{"Don't panic!!! e-mail: info@example.com ... café NAÏVE", "panic mail info example com café naïve"},
		{"Price: $1,000 (2011) 12th 3m a4 -- ok", "price"},
		{"", ""},
		{"the and of to", ""},
		{"bad \xff\xfe utf8 text", "bad text"},
		{"USB 数据线 cable", "usb 数据线 cable"},
	}
	for _, c := range cases {
		got := strings.Join(tk.Tokens(c.in), " ")
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
	stem, _ := New(defaultsWith(func(o *Options) { o.Stem = true; o.MinLength = 2; o.StopWords = []string{"Runner"} }))
	if got := strings.Join(stem.Tokens("running runners Runner easily ox"), " "); got != "run easili ox" { // "runners" stems to the stop word "runner"
		t.Errorf("stemmed: %q", got)
	}
	keep, _ := New(defaultsWith(func(o *Options) { o.KeepStopWords = true }))
	if got := strings.Join(keep.Tokens("the cat"), " "); got != "the cat" {
		t.Errorf("keep stop words: %q", got)
	}
	en, _ := New(defaultsWith(func(o *Options) { o.Language = "en" }))
	if got := en.Tokens("米饭很好吃 rice"); !reflect.DeepEqual(got, []string{"rice"}) {
		t.Errorf("language en: %q", got)
	}
	if _, err := New(defaultsWith(func(o *Options) { o.Language = "fr" })); err == nil {
		t.Error("language fr: want an error")
	}
}

func TestUserWords(t *testing.T) {
	t.Parallel()
	tk, _ := New(defaultsWith(func(o *Options) { o.UserWords = []string{"送餐", "麻辣香锅"} }))
	got := tk.Tokens("送餐速度太慢，麻辣香锅好吃")
	want := []string{"送餐", "速度", "太慢", "麻辣香锅", "好吃"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLongDocument(t *testing.T) {
	t.Parallel()
	tk, _ := New(Defaults())
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString("Customers love the chocolate cookies; 送餐速度很快，味道很好。 ")
	}
	start := time.Now()
	toks := tk.Tokens(b.String())
	if len(toks) < 50000 {
		t.Errorf("1 MB document gave %d tokens", len(toks))
	}
	t.Logf("1 MB document: %d tokens in %v", len(toks), time.Since(start))
}

func FuzzTokens(f *testing.F) {
	f.Add("The U.S. company's shares rose 3.5 pct")
	f.Add("送餐速度太慢了，米饭都凉了 abc")
	f.Add("\xff\xfe\x00 Ω≈ç√ 🍕 ١٢٣")
	f.Add(strings.Repeat("Ab.", 40) + " " + strings.Repeat("z", 70))
	tk, _ := New(defaultsWith(func(o *Options) { o.UserWords = []string{"送餐"}; o.MaxTokenBytes = 16 }))
	f.Fuzz(func(t *testing.T, s string) {
		toks, long := tk.AppendCount(nil, s)
		for _, w := range toks {
			if w == "" || strings.ContainsAny(w, "0123456789 \t\n") || len(w) > 16 {
				t.Fatalf("bad token %q from %q", w, s)
			}
		}
		if long < 0 || long > len(s)/8 { // a long token has at least 11 bytes (lower-casing grows a word by at most half)
			t.Fatalf("%d long tokens in %d bytes", long, len(s))
		}
	})
}

func TestChineseNumbersAreDropped(t *testing.T) {
	t.Parallel()
	tk, _ := New(Defaults())
	got := strings.Join(tk.Tokens("等了一个半小时，只送来两份米饭，一半都洒了"), " ")
	if want := "小时 送来 米饭"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for w, want := range map[string]bool{"一个半": true, "两份": true, "一半": true, "十几块": true, "一个多": true, "多少": false, "半小时": false, "第一次": false, "三明治": false, "个人": false} {
		if isNumeralWord(w) != want {
			t.Errorf("isNumeralWord(%q) = %v", w, !want)
		}
	}
}

// TestIdeographicZero: 〇 (U+3007, a Han numeral, the zero of 二〇二三) is
// a number like 零, so it is no word even where single characters are.
func TestIdeographicZero(t *testing.T) {
	t.Parallel()
	for w, want := range map[string]bool{"〇": true, "〇〇": true, "二〇": true, "一〇八个": true, "〇号": false} {
		if isNumeralWord(w) != want {
			t.Errorf("isNumeralWord(%q) = %v", w, !want)
		}
	}
	tk, _ := New(defaultsWith(func(o *Options) { o.MinLengthCJK = 1 }))
	for in, want := range map[string]string{"〇〇七 米饭": "米饭", "零零七 米饭": "米饭"} {
		if got := strings.Join(tk.Tokens(in), " "); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// TestLongTokens: a token longer than MaxTokenBytes is skipped and counted,
// whatever its script; shorter dot-separated parts of a long run are words.
func TestLongTokens(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 20<<20) // a 20 MB "word"
	long := strings.Repeat("chocolate", 8)
	tk, err := New(defaultsWith(func(o *Options) { o.UserWords = []string{strings.Repeat("送餐", 11)} }))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in   string
		want string
		long int
	}{
		{"sweet " + huge + " cookies", "sweet cookies", 1},
		{long + " coffee " + strings.ToUpper(long), "coffee", 2},
		{strings.Repeat("a", 64) + " " + strings.Repeat("b", 65), strings.Repeat("a", 64), 1},
		{"www." + long + ".example.com", "www example com", 1},
		{"送餐速度 " + strings.Repeat("送餐", 11) + " 米饭", "速度 米饭", 1},
		{"the 1234 and", "", 0},
		{strings.Repeat(" ", 200) + strings.Repeat("!", 200), "", 0}, // long runs of spaces and punctuation are not tokens
	}
	for _, c := range cases {
		got, n := tk.AppendCount(nil, c.in)
		if g := strings.Join(got, " "); g != c.want || n != c.long {
			t.Errorf("%.40q: got %.80q and %d long, want %q and %d", c.in, g, n, c.want, c.long)
		}
	}
	// No limit: the long word is kept (lower-cased), as before.
	all, _ := New(defaultsWith(func(o *Options) { o.MaxTokenBytes = 0 }))
	if got, n := all.AppendCount(nil, long); len(got) != 1 || got[0] != long || n != 0 {
		t.Errorf("no limit: got %q, %d long", got, n)
	}
	if _, err := New(defaultsWith(func(o *Options) { o.MaxTokenBytes = -1 })); err == nil {
		t.Error("MaxTokenBytes -1: want an error")
	}
}

// defaultsWith is Defaults with the changes of set.
func defaultsWith(set func(o *Options)) Options {
	o := Defaults()
	set(&o)
	return o
}

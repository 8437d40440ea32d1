package chart

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
)

// Text is set in Liberation Sans, which gonum/plot embeds, so charts measure
// and render the same on every machine. Liberation has no Chinese, Japanese
// or Korean glyphs; a chart whose labels hold them is set in a CJK font found
// on the system (CJKFontPaths, or the file named by $MARKETSQL_CJK_FONT).
// Fonts are not embedded in the SVG (a CJK font is tens of megabytes): the
// SVG names the family with fallbacks any browser resolves (see
// widenFontFamilies).

// cjkTypeface is the name the CJK face is registered under in gonum/plot's
// font cache.
const cjkTypeface font.Typeface = "marketsql-cjk"

// CJKFontPaths are the files searched for a CJK font, in order: Debian's
// fonts-noto-cjk, fonts-wqy-microhei and fonts-wqy-zenhei, then macOS's and
// Windows' own.
var CJKFontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/System/Library/Fonts/PingFang.ttc",
	"/System/Library/Fonts/STHeiti Light.ttc",
	`C:\Windows\Fonts\msyh.ttc`,
	`C:\Windows\Fonts\simhei.ttf`,
}

var cjk struct {
	once   sync.Once
	family string
	path   string
	err    error
}

// CJKFontFamily returns the family name of the CJK font charts use and the
// file it came from, or an error saying none was found and what to install.
func CJKFontFamily() (family, path string, err error) {
	if err := loadCJK(); err != nil {
		return "", "", err
	}
	return cjk.family, cjk.path, nil
}

// loadCJK finds a CJK font once and registers it in gonum/plot's font cache.
func loadCJK() error {
	cjk.once.Do(func() {
		paths := CJKFontPaths
		if p := os.Getenv("MARKETSQL_CJK_FONT"); p != "" {
			paths = append([]string{p}, paths...)
		}
		for _, p := range paths {
			f, family, err := readCJKFont(p)
			if err != nil {
				continue
			}
			font.DefaultCache.Add(font.Collection{{Font: font.Font{Typeface: cjkTypeface}, Face: f}})
			cjk.family, cjk.path = family, p
			return
		}
		cjk.err = fmt.Errorf("no CJK font found (looked for %s); install one (Debian: apt-get install fonts-noto-cjk) or name its file in $MARKETSQL_CJK_FONT",
			strings.Join(paths, ", "))
	})
	return cjk.err
}

// readCJKFont reads a font file or collection and returns its face for
// Simplified Chinese when the collection has one (Noto CJK's order is JP,
// KR, SC, TC, HK), else its first face that has the character 中.
func readCJKFont(path string) (*opentype.Font, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	var faces []*sfnt.Font
	if bytes.HasPrefix(b, []byte("ttcf")) {
		coll, err := opentype.ParseCollection(b)
		if err != nil {
			return nil, "", err
		}
		for i := 0; i < coll.NumFonts(); i++ {
			f, err := coll.Font(i)
			if err == nil {
				faces = append(faces, f)
			}
		}
	} else {
		f, err := opentype.Parse(b)
		if err != nil {
			return nil, "", err
		}
		faces = append(faces, f)
	}
	var buf sfnt.Buffer
	var best *sfnt.Font
	var bestName string
	for _, f := range faces {
		name, err := f.Name(&buf, sfnt.NameIDFamily)
		if err != nil {
			continue
		}
		if gi, err := f.GlyphIndex(&buf, '中'); err != nil || gi == 0 {
			continue
		}
		if strings.Contains(name, "Mono") {
			continue
		}
		if best == nil || (strings.HasSuffix(name, " SC") && !strings.HasSuffix(bestName, " SC")) {
			best, bestName = f, name
		}
	}
	if best == nil {
		return nil, "", fmt.Errorf("%s has no CJK face", path)
	}
	return best, bestName, nil
}

// needsCJK reports whether any text holds Han, Hiragana, Katakana or Hangul.
func needsCJK(texts ...[]string) bool {
	for _, t := range texts {
		for _, s := range t {
			for _, r := range s {
				if r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
					unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)) {
					return true
				}
			}
		}
	}
	return false
}

// widenFontFamilies gives each font-family gonum/plot writes (one family
// name) fallbacks with the same metrics or script, so the chart reads right
// where the named font is not installed: Liberation Sans is metric-compatible
// with Arial.
func widenFontFamilies(svg []byte, usesCJK bool) []byte {
	svg = bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	if usesCJK { // cjk.family was set by loadCJK, which the figure's constructor ran
		svg = bytes.ReplaceAll(svg, []byte("font-family:"+cjk.family+";"),
			[]byte("font-family:'"+cjk.family+"','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif;"))
	}
	return svg
}

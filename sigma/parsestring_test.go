package sigma

import (
	"slices"
	"strings"
	"testing"
)

// parseStringBuilt is ParseString as it was written before literals
// were shared with the source: every literal built byte by byte. It is
// the reference ParseString is held to.
func parseStringBuilt(s string, expand bool) []Segment {
	var segs []Segment
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			segs = append(segs, Segment{Kind: Literal, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) {
				if n := s[i+1]; n == '*' || n == '?' || n == '\\' || (expand && n == '%') {
					lit.WriteByte(n)
					i++
					continue
				}
			}
			lit.WriteByte('\\')
		case c == '*':
			flush()
			segs = append(segs, Segment{Kind: AnyString})
		case c == '?':
			flush()
			segs = append(segs, Segment{Kind: AnyChar})
		case c == '%' && expand:
			if j := strings.IndexByte(s[i+1:], '%'); j > 0 {
				flush()
				segs = append(segs, Segment{Kind: Placeholder, Text: s[i+1 : i+1+j]})
				i += j + 1
				continue
			}
			lit.WriteByte('%')
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return segs
}

var parseStringSamples = []string{
	"", "a", "*", "?", "**", `\`, `\\`, `\*`, `\?`, `\%`, `a\`, `a\b`, `\\*`, `\\\*`, `\\\\`, `a*b?c`, `*\cmd.exe`,
	`C:\Windows\*\x.exe`, "%a%", "%%", "%a", "a%b%c", `\%a%`, `%a%\*b`, `x\*y*z\?`, "%a%%b%", `a\\b\c`,
}

func checkParseString(t *testing.T, s string) {
	t.Helper()
	for _, expand := range []bool{false, true} {
		if got, want := ParseString(s, expand), parseStringBuilt(s, expand); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("ParseString(%q, %v) = %v, want %v", s, expand, got, want)
		}
	}
}

// TestParseStringShared: ParseString reads every value as the reference
// does, on edge cases and on each value of the corpus.
func TestParseStringShared(t *testing.T) {
	for _, s := range parseStringSamples {
		checkParseString(t, s)
	}
	paths, data := corpusRules(t)
	rules, _ := parseAll(paths, data)
	for _, rs := range rules {
		for _, r := range rs {
			if r.Detection == nil {
				continue
			}
			for _, sr := range r.Detection.Searches {
				for _, g := range sr.Groups {
					for _, it := range g.Items {
						for _, v := range it.Values {
							checkParseString(t, v.Raw)
						}
					}
				}
			}
		}
	}
}

// FuzzParseStringShared: the same on any text.
func FuzzParseStringShared(f *testing.F) {
	for _, s := range parseStringSamples {
		f.Add(s)
	}
	f.Fuzz(checkParseString)
}

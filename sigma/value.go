package sigma

import "strings"

// SegmentKind is one piece of a Sigma string pattern.
type SegmentKind int

const (
	// Literal text, matched as is (case-insensitively unless cased).
	Literal SegmentKind = iota
	// AnyString is the wildcard '*': any sequence of characters.
	AnyString
	// AnyChar is the wildcard '?': exactly one character.
	AnyChar
	// Placeholder is %name% in a value with the expand modifier; Text
	// holds the name without the percent signs.
	Placeholder
)

// Segment is a run of literal text, a wildcard or a placeholder.
type Segment struct {
	Kind SegmentKind
	Text string
}

// ParseString reads a Sigma string value into segments, as the
// specification's "String Wildcard" and "Escape Character" sections say:
// '*' and '?' are wildcards; a backslash escapes '*', '?' and itself; a
// backslash before any other character, or at the end, is a plain
// backslash and the character after it is read as usual. So `\*` is a
// literal star, `\\*` a backslash and then the wildcard, `\\\*` a
// backslash and a literal star, and `\\\\` (or `\\\` before a plain
// character) two backslashes. With expand ("Placeholders"), %name% is a
// placeholder and `\%` a literal percent sign; a '%' without a closing one
// is literal. Adjacent literal text is joined.
func ParseString(s string, expand bool) []Segment {
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

// HasWildcard reports whether the segments hold a wildcard.
func HasWildcard(segs []Segment) bool {
	for _, s := range segs {
		if s.Kind == AnyString || s.Kind == AnyChar {
			return true
		}
	}
	return false
}

// SegmentsString writes segments back in Sigma's notation, escaping what
// needs it, so that ParseString(SegmentsString(x)) == x.
func SegmentsString(segs []Segment, expand bool) string {
	var b strings.Builder
	for _, s := range segs {
		switch s.Kind {
		case AnyString:
			b.WriteByte('*')
		case AnyChar:
			b.WriteByte('?')
		case Placeholder:
			b.WriteString("%" + s.Text + "%")
		default:
			for i := 0; i < len(s.Text); i++ {
				c := s.Text[i]
				if c == '*' || c == '?' || c == '\\' || (expand && c == '%') {
					b.WriteByte('\\')
				}
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

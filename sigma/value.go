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
	if s == "" {
		return nil
	}
	// At most a literal before each wildcard and one after the last
	// (placeholders need a '%' each side, two bytes for a segment).
	wild := strings.Count(s, "*") + strings.Count(s, "?")
	if expand {
		wild += strings.Count(s, "%")
	}
	segs := make([]Segment, 0, 2*wild+1)
	// The literal being read is s[from:i] while it is the source's text
	// as is (nearly always: a backslash before another character is
	// itself), so that it is shared, not copied; after an escape that
	// drops a backslash it is built in buf.
	from := 0
	var buf []byte
	built := false
	flush := func(i int) {
		switch {
		case built:
			segs = append(segs, Segment{Kind: Literal, Text: string(buf)})
			buf, built = buf[:0], false
		case i > from:
			segs = append(segs, Segment{Kind: Literal, Text: s[from:i]})
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\' || (expand && s[i+1] == '%')):
			if !built {
				buf, built = append(buf[:0], s[from:i]...), true
			}
			buf = append(buf, s[i+1])
			i++
		case c == '*' || c == '?':
			flush(i)
			kind := AnyString
			if c == '?' {
				kind = AnyChar
			}
			segs = append(segs, Segment{Kind: kind})
			from = i + 1
		case c == '%' && expand && strings.IndexByte(s[i+1:], '%') > 0:
			j := strings.IndexByte(s[i+1:], '%')
			flush(i)
			segs = append(segs, Segment{Kind: Placeholder, Text: s[i+1 : i+1+j]})
			i += j + 1
			from = i + 1
		case built:
			buf = append(buf, c) // a character as written: a backslash before another, a lone '%'
		}
	}
	flush(len(s))
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

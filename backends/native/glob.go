package native

import (
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/ir"
)

// glob is a compiled string pattern (ir.Value.Segments): literal text,
// "*" any run of characters and "?" exactly one, compared ignoring case
// unless cased. It matches in time linear in the value: the pattern is
// cut at its "*" into parts of fixed length; the first part must begin
// the value and the last end it, and each part between is placed at its
// leftmost occurrence after the one before, which is optimal (a later
// placement never leaves more room), so nothing is ever retried. A part
// with no "?" is found with strings.Index; one with "?" with a bit-parallel
// scan (Shift-And), one step per character of the value.
type glob struct {
	parts []part // len 1 when there is no "*"
	cased bool
}

// part is a run of the pattern between two "*": literal text and "?".
type part struct {
	text  string    // the literal text, when the part has no "?"
	toks  []rune    // each character of the part, -1 for "?"; nil without "?"
	masks *shiftAnd // for a middle part with "?"
}

const anyOne = -1

func compileGlob(v ir.Value) glob {
	g := glob{cased: v.Cased}
	var cur []rune
	one := false
	end := func() {
		p := part{text: string(cur)}
		if one {
			p.toks = cur
			p.masks = newShiftAnd(cur)
		}
		g.parts = append(g.parts, p)
		cur, one = nil, false
	}
	for _, s := range v.Segments() {
		switch s.Kind {
		case ir.AnyRun:
			end()
		case ir.AnyOne:
			cur, one = append(cur, anyOne), true
		default:
			text := s.Text
			if !g.cased {
				text = strings.ToLower(text)
			}
			cur = append(cur, []rune(text)...)
		}
	}
	end()
	return g
}

// match reports whether the (folded) value matches.
func (g glob) match(s string) bool {
	p := g.parts
	if len(p) == 1 {
		rest, ok := p[0].prefix(s)
		return ok && rest == ""
	}
	rest, ok := p[0].prefix(s)
	if !ok {
		return false
	}
	rest, ok = p[len(p)-1].suffix(rest)
	if !ok {
		return false
	}
	for _, mid := range p[1 : len(p)-1] {
		i, n := mid.index(rest)
		if i < 0 {
			return false
		}
		rest = rest[i+n:]
	}
	return true
}

// prefix matches the part at the start of s, returning what follows.
func (p part) prefix(s string) (string, bool) {
	if p.toks == nil {
		return strings.CutPrefix(s, p.text)
	}
	for _, t := range p.toks {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || (t != anyOne && t != r) {
			return "", false
		}
		s = s[size:]
	}
	return s, true
}

// suffix matches the part at the end of s, returning what precedes.
func (p part) suffix(s string) (string, bool) {
	if p.toks == nil {
		return strings.CutSuffix(s, p.text)
	}
	for i := len(p.toks) - 1; i >= 0; i-- {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || (p.toks[i] != anyOne && p.toks[i] != r) {
			return "", false
		}
		s = s[:len(s)-size]
	}
	return s, true
}

// index finds the leftmost occurrence of the part in s: its byte offset
// and length, or -1.
func (p part) index(s string) (int, int) {
	if p.toks == nil {
		return strings.Index(s, p.text), len(p.text)
	}
	return p.masks.index(s)
}

// shiftAnd finds a pattern with single-character wildcards by the
// Shift-And method: bit i of the state is set when the last i+1
// characters read match the pattern's first i+1, so each character of
// the text costs a shift and an and over len/64 words.
type shiftAnd struct {
	n     int
	any   []uint64          // the bits of the "?" positions
	masks map[rune][]uint64 // each literal character's positions, "?" included
	ascii [utf8.RuneSelf][]uint64
}

func newShiftAnd(toks []rune) *shiftAnd {
	words := (len(toks) + 63) / 64
	m := &shiftAnd{n: len(toks), any: make([]uint64, words), masks: map[rune][]uint64{}}
	for i, t := range toks {
		if t == anyOne {
			m.any[i/64] |= 1 << (i % 64)
		}
	}
	for i, t := range toks {
		if t == anyOne {
			continue
		}
		mask, ok := m.masks[t]
		if !ok {
			mask = append([]uint64(nil), m.any...)
			m.masks[t] = mask
		}
		mask[i/64] |= 1 << (i % 64)
	}
	for c := range m.ascii {
		m.ascii[c] = m.mask(rune(c))
	}
	return m
}

// mask is the positions a character may take.
func (m *shiftAnd) mask(r rune) []uint64 {
	if mask, ok := m.masks[r]; ok {
		return mask
	}
	return m.any
}

func (m *shiftAnd) index(s string) (int, int) {
	words := len(m.any)
	state := make([]uint64, words)
	last := uint((m.n - 1) % 64)
	for i, r := range s {
		var mask []uint64
		if r < utf8.RuneSelf {
			mask = m.ascii[r]
		} else {
			mask = m.mask(r)
		}
		carry := uint64(1) // a match may begin at this character
		for w := range words {
			next := state[w] >> 63
			state[w] = (state[w]<<1 | carry) & mask[w]
			carry = next
		}
		if state[words-1]>>last&1 == 1 {
			_, size := utf8.DecodeRuneInString(s[i:])
			end := i + size
			start := end
			for range m.n {
				_, size := utf8.DecodeLastRuneInString(s[:start])
				start -= size
			}
			return start, end - start
		}
	}
	return -1, 0
}

// lowerASCII lower-cases s, without allocating when it has no upper-case
// letter (most event values are lower case or mixed only in a few).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

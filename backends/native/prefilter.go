package native

import (
	"bytes"
	"slices"
	"strings"

	"github.com/cartrans/cartrans/ir"
)

// A prefilter finds, in a block of NDJSON lines, the lines that can hold
// a match, before any is decoded: every output's condition requires one
// of a few literal strings, and a line that holds none of them (compared
// without case) cannot match. Most of a log's events hold none of the
// names an analytic looks for, so most lines are never decoded.
//
// A literal is taken only from the text of a compared value, cut at the
// characters a JSON encoder may write escaped (the backslash, quote,
// slash, <, >, & and anything outside printable ASCII), so that it stands
// in the line as it stands in the value. (A producer that escaped plain
// letters as \u0061 would defeat it; none does.)
type prefilter struct {
	lits []literal
}

type literal struct {
	lower []byte
	at    int  // the byte searched for: the rarest in logs
	lo    byte // its lower and upper case
	up    byte
}

// minLiteral is the shortest literal worth searching for.
const minLiteral = 3

// newPrefilter returns nil when some output requires no literal (a
// numeric test, a regular expression, a negation alone): every line must
// then be read.
func newPrefilter(outputs []*output) *prefilter {
	seen := map[string]bool{}
	f := &prefilter{}
	for _, o := range outputs {
		lits, ok := required(o.query)
		if !ok {
			return nil
		}
		for _, l := range lits {
			if !seen[l] {
				seen[l] = true
				f.lits = append(f.lits, newLiteral(l))
			}
		}
	}
	if len(f.lits) == 0 {
		return nil
	}
	return f
}

// required are literals one of which every event an output keeps holds.
func required(q ir.Query) ([]string, bool) {
	switch {
	case q.Join != nil:
		l, ok := required(*q.Join.Left)
		if !ok {
			return nil, false
		}
		r, ok := required(*q.Join.Right)
		return append(l, r...), ok
	case q.Aggregate != nil:
		return required(*q.Aggregate.Source)
	}
	return requiredBy(q.Cond)
}

func requiredBy(c ir.Cond) ([]string, bool) {
	switch c := c.(type) {
	case ir.Match:
		if c.Value.IsNum {
			return nil, false
		}
		best := ""
		for _, part := range c.Value.Segments() {
			for _, seg := range strings.FieldsFunc(strings.ToLower(part.Text), escapable) {
				if len(seg) > len(best) {
					best = seg
				}
			}
		}
		return []string{best}, len(best) >= minLiteral
	case ir.And:
		var best []string
		for _, t := range c.Terms {
			if lits, ok := requiredBy(t); ok && (best == nil || score(lits) > score(best)) {
				best = lits
			}
		}
		return best, best != nil
	case ir.Or:
		var all []string
		for _, t := range c.Terms {
			lits, ok := requiredBy(t)
			if !ok {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, len(all) > 0
	}
	return nil, false
}

// score prefers fewer and longer literals: the shortest one bounds how
// often a line passes.
func score(lits []string) int {
	shortest := len(lits[0])
	for _, l := range lits[1:] {
		shortest = min(shortest, len(l))
	}
	return shortest*8 - len(lits)
}

// escapable reports a character a JSON encoder may write escaped.
func escapable(r rune) bool {
	return r < 0x20 || r >= 0x7f || strings.ContainsRune("\\\"/<>&", r)
}

// rarity ranks bytes by how common they are in Windows event logs: lower
// is rarer. Letters of common words, path separators and JSON punctuation
// are common; q, z, j, x, k and most digits are not.
func rarity(c byte) int {
	const common = "e\":,tsaoirnlcdm\\._pu 0hgf1yw2-b3v"
	if i := strings.IndexByte(common, c); i >= 0 {
		return 100 - i
	}
	return 0
}

func newLiteral(s string) literal {
	l := literal{lower: []byte(s)}
	for i := range len(s) {
		if rarity(s[i]) < rarity(s[l.at]) {
			l.at = i
		}
	}
	c := s[l.at]
	l.lo, l.up = c, c
	if 'a' <= c && c <= 'z' {
		l.up = c - 'a' + 'A'
	}
	return l
}

// lines calls fn for each line of block (start, end without the newline)
// that holds a literal, in order, once.
func (f *prefilter) lines(block []byte, fn func(start, end int)) {
	var starts []int
	for _, l := range f.lits {
		l.each(block, func(start int) { starts = append(starts, start) })
	}
	if len(f.lits) > 1 {
		slices.Sort(starts)
		starts = slices.Compact(starts)
	}
	for _, s := range starts {
		e := bytes.IndexByte(block[s:], '\n')
		if e < 0 {
			e = len(block)
		} else {
			e += s
		}
		fn(s, e)
	}
}

// each finds the lines holding the literal: it looks for its rarest byte
// in either case with IndexByte (which runs at memory speed), checks the
// literal around it, and then skips to the next line. The next place of
// each case is kept until passed, so each is searched for once over the
// block.
func (l literal) each(block []byte, fn func(lineStart int)) {
	n := len(l.lower)
	nextLo, nextUp := -2, -2 // -2: not searched yet; -1: none left
	next := func(cached *int, c byte, from int) int {
		if *cached == -1 || *cached >= from {
			return *cached
		}
		i := bytes.IndexByte(block[from:], c)
		if i >= 0 {
			i += from
		}
		*cached = i
		return i
	}
	for from := 0; from < len(block); {
		pos := next(&nextLo, l.lo, from)
		if l.up != l.lo {
			if up := next(&nextUp, l.up, from); up >= 0 && (pos < 0 || up < pos) {
				pos = up
			}
		}
		if pos < 0 {
			return
		}
		start := pos - l.at
		if start >= 0 && start+n <= len(block) && equalFoldASCII(block[start:start+n], l.lower) {
			fn(bytes.LastIndexByte(block[:start], '\n') + 1)
			e := bytes.IndexByte(block[pos:], '\n')
			if e < 0 {
				return
			}
			from = pos + e + 1
			continue
		}
		from = pos + 1
	}
}

// equalFoldASCII compares s with a lower-case ASCII literal.
func equalFoldASCII(s, lower []byte) bool {
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

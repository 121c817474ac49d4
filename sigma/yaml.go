package sigma

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/suggest"
	"gopkg.in/yaml.v3"
)

// MaxExpandedNodes bounds the nodes one YAML document may hold once its
// aliases are expanded. yaml.v3 keeps an alias as a pointer to its anchor
// when decoding into a yaml.Node, so a billion-laughs document parses in
// linear time, but walking it would not: the reader measures the expanded
// size first and refuses the document past this bound. Real rules hold a
// few hundred nodes.
const MaxExpandedNodes = 1_000_000

// src is one file being read: its name, its bytes and the start of each
// line, so that yaml.v3's positions (which count characters) become
// diag.Pos columns (which count bytes), and so that an offset inside a
// condition string can be mapped back to the file.
type src struct {
	file  string
	data  []byte
	lines []int // byte offset of the start of each line
	diags *diag.List
	// nonASCII marks the lines holding a byte >= 0x80, where yaml.v3's
	// columns (characters) and diag's (bytes) differ; runeStarts holds
	// such a line's character offsets once asked for.
	nonASCII   []bool
	runeStarts map[int][]int
}

func newSrc(file string, data []byte, diags *diag.List) *src {
	lines := make([]int, 1, bytes.Count(data, []byte{'\n'})+1)
	if plainASCII(data) {
		// Only LF breaks lines, and columns are byte offsets: the
		// common case, read with IndexByte.
		for i := bytes.IndexByte(data, '\n'); i >= 0; {
			lines = append(lines, i+1)
			j := bytes.IndexByte(data[i+1:], '\n')
			if j < 0 {
				break
			}
			i += 1 + j
		}
		return &src{file: file, data: data, lines: lines, diags: diags, nonASCII: make([]bool, len(lines))}
	}
	for i := 0; i < len(data); {
		switch data[i] {
		case '\n', '\r', 0xc2, 0xe2:
			if n := lineBreak(data[i:]); n > 0 {
				i += n
				lines = append(lines, i)
				continue
			}
		}
		i++
	}
	nonASCII := make([]bool, len(lines))
	line := 0
	for i, b := range data {
		if b >= 0x80 {
			for line+1 < len(lines) && lines[line+1] <= i {
				line++
			}
			nonASCII[line] = true
		}
	}
	return &src{file: file, data: data, lines: lines, diags: diags, nonASCII: nonASCII}
}

// plainASCII reports whether data is ASCII without a CR.
// It tests eight bytes at a time for a high bit, and finds a CR with
// IndexByte.
func plainASCII(data []byte) bool {
	if bytes.IndexByte(data, '\r') >= 0 {
		return false
	}
	i := 0
	for ; i+8 <= len(data); i += 8 {
		if binary.LittleEndian.Uint64(data[i:])&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(data); i++ {
		if data[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lineBreak is the length of the line break data starts with, or 0. These
// are yaml.v3's line breaks (those of libyaml, YAML 1.1): LF, CR LF, a
// lone CR, and NEL, LS and PS, so that lines are counted as its
// positions count them.
func lineBreak(data []byte) int {
	switch {
	case data[0] == '\n':
		return 1
	case data[0] == '\r':
		if len(data) > 1 && data[1] == '\n' {
			return 2
		}
		return 1
	case bytes.HasPrefix(data, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(data, []byte("\u2028")), bytes.HasPrefix(data, []byte("\u2029")):
		return 3
	}
	return 0
}

// offset converts a yaml.v3 line and column (1-based, column in
// characters) into a byte offset in the file, or -1.
func (s *src) offset(line, col int) int {
	if line < 1 || line > len(s.lines) || col < 1 {
		return -1
	}
	start := s.lines[line-1]
	end := len(s.data)
	if line < len(s.lines) {
		end = s.lines[line]
	}
	text := s.data[start:end]
	if !s.nonASCII[line-1] {
		return start + min(col-1, len(text))
	}
	// A line with non-ASCII characters: its character starts, indexed
	// once, so that many nodes on one long line stay linear.
	idx, ok := s.runeStarts[line-1]
	if !ok {
		idx = make([]int, 0, utf8.RuneCount(text))
		for i := 0; i < len(text); {
			idx = append(idx, i)
			_, size := utf8.DecodeRune(text[i:])
			i += size
		}
		if s.runeStarts == nil {
			s.runeStarts = map[int][]int{}
		}
		s.runeStarts[line-1] = idx
	}
	if col-1 < len(idx) {
		return start + idx[col-1]
	}
	return end
}

// posAt converts a byte offset into a position.
func (s *src) posAt(off int) diag.Pos {
	if off < 0 {
		return diag.Pos{File: s.file}
	}
	off = min(off, len(s.data))
	// The last line start at or before off.
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return diag.Pos{File: s.file, Line: lo + 1, Col: off - s.lines[lo] + 1}
}

// pos is the position of a node, its column in bytes.
func (s *src) pos(n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: s.file}
	}
	if l, c := n.Line, n.Column; l >= 1 && l <= len(s.lines) && c >= 1 && !s.nonASCII[l-1] {
		// An ASCII line: the column is the byte's, on the node's line
		// when within it (posAt's search would find that line).
		end := len(s.data)
		if l < len(s.lines) {
			end = s.lines[l]
		}
		if s.lines[l-1]+c-1 < end {
			return diag.Pos{File: s.file, Line: l, Col: c}
		}
	}
	if off := s.offset(n.Line, n.Column); off >= 0 {
		return s.posAt(off)
	}
	return diag.Pos{File: s.file, Line: n.Line, Col: n.Column}
}

func (s *src) errorf(code string, pos diag.Pos, format string, args ...any) {
	*s.diags = append(*s.diags, diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (s *src) warnf(code string, pos diag.Pos, format string, args ...any) {
	*s.diags = append(*s.diags, diag.Diagnostic{Pos: pos, Severity: diag.Warning, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (s *src) suggestf(code string, pos diag.Pos, suggestion, format string, args ...any) {
	*s.diags = append(*s.diags, diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// scalarMapper maps a byte offset in a scalar's value back to the file.
// It aligns the value with the scalar's source text from the node's
// position on: each value byte is matched to the next equal source byte,
// skipping what the value does not hold (quotes, a doubled ” of a single-
// quoted scalar, the backslash of a double-quoted escape, the indentation
// and line breaks a folded or multi-line scalar drops, a block scalar's
// header line). For the plain and quoted one-line scalars conditions are
// written in this is exact; for an escape that changes the character
// (a double-quoted "\t") the alignment stops and later offsets get the
// position of the last byte it could match.
func (s *src) scalarMapper(n *yaml.Node) func(off int) diag.Pos {
	// Built on first use: most keys carry no modifier to point at.
	var at func(int) diag.Pos
	return func(off int) diag.Pos {
		if at == nil {
			at = s.buildMapper(n)
		}
		return at(off)
	}
}

func (s *src) buildMapper(n *yaml.Node) func(off int) diag.Pos {
	start := s.offset(n.Line, n.Column)
	if start < 0 {
		p := s.pos(n)
		return func(int) diag.Pos { return p }
	}
	val := n.Value
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && start+len(val) <= len(s.data) && string(s.data[start:start+len(val)]) == val {
		// The source holds the value as is where the node starts (a
		// plain scalar on one line, nearly every key and condition):
		// the alignment below would match each byte where it stands.
		return func(off int) diag.Pos { return s.posAt(start + max(0, min(off, len(val)))) }
	}
	return s.alignMapper(n, start)
}

// alignMapper is buildMapper's alignment of the value with the source
// from start.
func (s *src) alignMapper(n *yaml.Node, start int) func(off int) diag.Pos {
	val := n.Value
	at := make([]int, len(val)+1)
	p := start
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// Skip the block header ("|", ">-" and a comment) to its line end.
		for p < len(s.data) && s.data[p] != '\n' {
			p++
		}
	}
	last := start
	lost := false
	for i := 0; i < len(val); i++ {
		if lost {
			at[i] = last
			continue
		}
		q := p
		// Bound the search so that a byte the source spells differently
		// does not make the mapper scan the rest of the file; once lost,
		// the alignment stops, which keeps it linear.
		for q < len(s.data) && q-p < 256 && s.data[q] != val[i] {
			q++
		}
		if q < len(s.data) && s.data[q] == val[i] {
			at[i] = q
			last = q
			p = q + 1
		} else {
			at[i] = last
			lost = true
		}
	}
	at[len(val)] = last + 1
	if len(val) == 0 {
		at[0] = start
	}
	return func(off int) diag.Pos {
		off = max(0, min(off, len(val)))
		return s.posAt(at[off])
	}
}

// yamlLine finds the line yaml.v3 names in its error text.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError turns a decoder error into a positioned diagnostic.
func (s *src) yamlError(err error) {
	msg := err.Error()
	pos := diag.Pos{File: s.file}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	s.errorf("S001", pos, "YAML: %s", msg)
}

// expandedSize is the node count of n with every alias expanded,
// saturating at limit+1. Sizes are memoised per node, so the cost is
// linear in the document however deep the aliases nest; an alias inside
// its own anchor counts as too large.
func expandedSize(n *yaml.Node, limit int, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		if v < 0 {
			return limit + 1
		}
		return v
	}
	memo[n] = -1
	total := 1
	if n.Kind == yaml.AliasNode {
		total += expandedSize(n.Alias, limit, memo)
	}
	for _, c := range n.Content {
		total += expandedSize(c, limit, memo)
		if total > limit {
			total = limit + 1
			break
		}
	}
	total = min(total, limit+1)
	memo[n] = total
	return total
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// pair is one key and value of a mapping.
type pair struct {
	key *yaml.Node
	val *yaml.Node
}

// pairs lists a mapping's entries with YAML's merge keys ("<<: *base")
// applied: merged entries come first and an explicit key overrides a
// merged one, as the YAML merge type says. A key given twice explicitly
// is an error, since YAML requires unique keys (PyYAML, under pySigma,
// silently keeps the last).
func (s *src) pairs(n *yaml.Node) []pair {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var merged []pair
	explicit := make([]pair, 0, len(n.Content)/2)
	// Sigma's maps hold a handful of keys, which a linear scan checks
	// fastest; a large map gets a set, so a hostile one stays linear.
	var seen map[string]bool
	if len(n.Content) > 64 {
		seen = make(map[string]bool, len(n.Content)/2)
	}
	dup := func(key string) bool {
		if seen != nil {
			d := seen[key]
			seen[key] = true
			return d
		}
		return hasKey(explicit, key)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil {
			continue
		}
		if k.Tag == "!!merge" {
			src := deref(v)
			var maps []*yaml.Node
			if src != nil && src.Kind == yaml.SequenceNode {
				maps = src.Content
			} else {
				maps = []*yaml.Node{src}
			}
			for _, m := range maps {
				merged = append(merged, s.pairs(m)...)
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			s.errorf("S012", s.pos(k), "a key must be a plain string, not a %s", kindName(k))
			continue
		}
		if dup(k.Value) {
			s.errorf("S015", s.pos(k), "duplicate key %q: YAML keys must be unique", k.Value)
			continue
		}
		explicit = append(explicit, pair{k, v})
	}
	if len(merged) == 0 {
		return explicit
	}
	out := make([]pair, 0, len(merged)+len(explicit))
	have := map[string]bool{}
	for _, p := range explicit {
		have[p.key.Value] = true
	}
	for _, p := range merged {
		if !have[p.key.Value] {
			have[p.key.Value] = true
			out = append(out, p)
		}
	}
	return append(out, explicit...)
}

// hasKey reports whether the pairs hold the key.
func hasKey(ps []pair, key string) bool {
	for _, p := range ps {
		if p.key.Value == key {
			return true
		}
	}
	return false
}

// closest is suggest.Closest for the did-you-means, skipping what cannot
// be near: a long word (no misspelling is that long) and candidates whose
// length differs by more than maxDist, so a hostile file cannot make the
// edit distances quadratic in its size.
func closest(word string, candidates []string, maxDist int) (string, bool) {
	if len(word) > 64 {
		return "", false
	}
	var near []string
	for _, c := range candidates {
		if d := len(c) - len(word); d <= maxDist && d >= -maxDist {
			near = append(near, c)
		}
	}
	return suggest.Closest(word, near, maxDist)
}

func kindName(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return "recursive alias"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "map"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "number"
		case "!!bool":
			return "boolean"
		}
		return "string"
	}
	return "document"
}

// str reads a scalar as text, reporting anything else.
func (s *src) str(n *yaml.Node, what string) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		s.errorf("S012", s.pos(n), "%s must be a string, not a %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// strList reads a list of scalars; a single scalar is read as a list of
// one when one is true.
func (s *src) strList(n *yaml.Node, what string, one bool) []string {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode && one && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		s.errorf("S012", s.pos(n), "%s must be a list of strings, not a %s", what, kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if v, ok := s.str(c, what+" item"); ok {
			out = append(out, v)
		}
	}
	return out
}

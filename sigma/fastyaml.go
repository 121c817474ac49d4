package sigma

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cartrans/cartrans/diag"
	"gopkg.in/yaml.v3"
)

// fastDocs reads data as the plain block YAML nearly every Sigma rule is
// written in, into the same yaml.Node trees yaml.v3's decoder gives (kind,
// style, tag, value, line and column; not comments, which the reader does
// not use), or reports false, and the file is then read by yaml.v3. It
// exists for speed: yaml.v3 spent three quarters of reading SigmaHQ's
// rules (its scanner, event parser and per-token allocations), and this
// reads the same rules several times faster.
//
// It accepts only what it reads exactly, and gives up on anything else,
// leaving every error and every subtle case to yaml.v3: one document (no
// "---" or "..." at a line start), block mappings and sequences indented
// with spaces, keys and values on one line (plain, or single- or
// double-quoted with the escapes yaml.v3 reads), literal (|, |-) and
// folded (>, >-) block scalars without more-indented or leading empty
// lines, and comments. It gives up on tabs, CR and the other line breaks
// yaml.v3 counts (NEL, LS, PS), a byte order mark, characters YAML does
// not allow, flow collections, anchors, aliases, tags, directives, empty
// values, a plain scalar continued on the next line, keep chomping (|+),
// indentation indicators, and a key longer than yaml.v3's simple keys.
// Plain scalars get the tag yaml.v3 resolves them to (Node.ShortTag runs
// its resolver). TestFastYAML checks the trees are yaml.v3's over every
// SigmaHQ rule and FuzzFastYAML over arbitrary input.
func fastDocs(data []byte) ([]*yaml.Node, bool) {
	p := fastParser{data: data}
	return p.docs()
}

// docs is fastDocs over p.data.
func (p *fastParser) docs() ([]*yaml.Node, bool) {
	if !p.split() {
		return nil, false
	}
	p.skip()
	if p.i == len(p.lines) {
		return nil, false // no document: yaml.v3 says what that is
	}
	root, ok := p.block(-1)
	if !ok {
		return nil, false
	}
	if p.skip(); p.i != len(p.lines) {
		return nil, false
	}
	doc := p.node()
	*doc = yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}
	return []*yaml.Node{doc}, true
}

// parsers holds fast parsers whose lines and nodes are reused from one
// file to the next: a rule's trees are read into a Rule (which keeps
// none of their nodes) before parse returns, and the nodes were a fifth
// of the bytes reading and translating SigmaHQ's rules allocated.
var parsers = sync.Pool{New: func() any { return new(fastParser) }}

// maxPooledNodes bounds the nodes a pooled parser keeps (15 MB), so that
// one huge file does not leave its memory in the pool.
const maxPooledNodes = 100_000

// pooledParser is a parser of data from the pool; release returns it
// once the trees it gave are no longer used.
func pooledParser(data []byte) *fastParser {
	p := parsers.Get().(*fastParser)
	p.data = data
	return p
}

// release returns p to the pool. Its nodes keep their old contents,
// which node overwrites whole before giving one out again; the lines and
// nodes hold strings of the last file only (a few KiB).
func (p *fastParser) release() {
	if len(p.buf) > maxPooledNodes || cap(p.lines) > maxPooledNodes {
		return
	}
	if cap(p.ptrs) > maxPooledNodes {
		p.ptrs = nil
	}
	*p = fastParser{buf: p.buf, lines: p.lines[:0], stack: p.stack[:0], ptrs: p.ptrs[:0]}
	parsers.Put(p)
}

// src is newSrc(file, p.data, diags) from the lines split read, once
// docs has read them all: the same line starts and non-ASCII lines
// without reading the bytes again (split takes only LF as a line break,
// as newSrc does for the text it accepts).
func (p *fastParser) src(file string, diags *diag.List) *src {
	n := len(p.lines)
	if len(p.data) > 0 && p.data[len(p.data)-1] == '\n' {
		n++ // the empty line after the last break
	}
	if n == 0 {
		n = 1
	}
	lines := make([]int, n)
	nonASCII := make([]bool, n)
	at := 0
	for i, l := range p.lines {
		lines[i], nonASCII[i] = at, !l.ascii
		at += len(l.text) + 1
	}
	if n > len(p.lines) && len(p.lines) > 0 {
		lines[n-1] = at
	}
	return &src{file: file, data: p.data, lines: lines, diags: diags, nonASCII: nonASCII}
}

// fastLine is one line of the file, without its line break.
type fastLine struct {
	text   string
	indent int  // leading spaces
	blank  bool // spaces only
	ascii  bool // columns are byte offsets
}

type fastParser struct {
	data  []byte
	lines []fastLine
	i     int // the line being read
	// buf holds the nodes, kept from one file to the next by a pooled
	// parser; used counts those given out. slab holds the nodes past
	// buf's, allocated a batch at a time. content is the count of lines
	// that are not blank or comments.
	buf     []yaml.Node
	used    int
	slab    []yaml.Node
	content int
	// stack holds the children of the collections being read, each
	// collection's above those of the ones it is inside; ptrs holds the
	// Content of those read, a batch at a time, so that a collection
	// makes no slice of its own. A pooled parser keeps both.
	stack []*yaml.Node
	ptrs  []*yaml.Node
}

// children moves the children above mark from the stack into ptrs and
// gives them as a collection's Content.
func (p *fastParser) children(mark int) []*yaml.Node {
	kids := p.stack[mark:]
	if cap(p.ptrs)-len(p.ptrs) < len(kids) {
		// A line holds two children at most (a key and its value), so
		// the first batch is the last; a pooled parser's is kept.
		p.ptrs = make([]*yaml.Node, 0, max(len(kids), 64, 2*len(p.lines)))
	}
	start := len(p.ptrs)
	p.ptrs = append(p.ptrs, kids...)
	p.stack = p.stack[:mark]
	return p.ptrs[start:len(p.ptrs):len(p.ptrs)]
}

// node gives out a node, whose contents the caller sets whole.
func (p *fastParser) node() *yaml.Node {
	if p.content > 0 {
		// SigmaHQ's rules hold 1.6 nodes per line that is not blank or
		// a comment (a key and its value, an entry; a block scalar's
		// lines hold one together): buf is sized so (a pooled parser's
		// is kept if large enough), the rest come 32 at a time.
		if size := p.content*5/3 + 4; len(p.buf) < size {
			p.buf = make([]yaml.Node, size)
		}
		p.content = 0
	}
	if p.used < len(p.buf) {
		p.used++
		return &p.buf[p.used-1]
	}
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 32)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// split cuts the data into lines, refusing any character that yaml.v3
// reads as something other than itself in a line (see fastDocs).
func (p *fastParser) split() bool {
	text := string(p.data)
	p.lines = slices.Grow(p.lines[:0], strings.Count(text, "\n")+1)
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		l := fastLine{text: text[start:end], ascii: true}
		t := l.text
		for l.indent < len(t) && t[l.indent] == ' ' {
			l.indent++
		}
		l.blank = l.indent == len(t)
		for j := l.indent; j < len(t); j++ {
			// One test for what is not printable ASCII: below ' ' the
			// subtraction wraps around.
			if c := t[j]; c-0x20 >= 0x7f-0x20 {
				if c < 0x80 {
					return false // tab, CR, a control character, DEL
				}
				l.ascii = false
			}
		}
		if !l.ascii && !printable(l.text) {
			return false
		}
		if l.indent == 0 && (strings.HasPrefix(l.text, "---") || strings.HasPrefix(l.text, "...")) &&
			(len(l.text) == 3 || l.text[3] == ' ') {
			return false // a document marker
		}
		if !l.blank && l.text[l.indent] != '#' {
			p.content++
		}
		p.lines = append(p.lines, l)
		start = end + 1
	}
	return true
}

// printable reports whether s is UTF-8 of the characters YAML allows in a
// line, without the ones yaml.v3 reads as line breaks (NEL, LS, PS) or
// as a byte order mark.
func printable(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x80:
		case r == utf8.RuneError:
			return false // invalid UTF-8 (a literal U+FFFD is refused too)
		case r < 0xA0, r == 0x2028, r == 0x2029, r == 0xFEFF:
			return false
		case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

// skip passes blank and comment lines.
func (p *fastParser) skip() {
	for p.i < len(p.lines) {
		l := &p.lines[p.i]
		if !l.blank && l.text[l.indent] != '#' {
			return
		}
		p.i++
	}
}

// col is the 1-based column of a byte offset in line i, in characters,
// as yaml.v3 counts.
func (p *fastParser) col(i, off int) int {
	l := &p.lines[i]
	if l.ascii {
		return off + 1
	}
	return utf8.RuneCountInString(l.text[:off]) + 1
}

// dash reports whether line l holds a sequence entry at its indentation.
func dash(l *fastLine) bool {
	t := l.text[l.indent:]
	return t[0] == '-' && (len(t) == 1 || t[1] == ' ')
}

// block reads the mapping or sequence starting at the current line, which
// is indented more than parent.
func (p *fastParser) block(parent int) (*yaml.Node, bool) {
	l := &p.lines[p.i]
	if l.indent <= parent {
		return nil, false
	}
	if dash(l) {
		return p.sequence(l.indent)
	}
	return p.mapping(l.indent, l.indent)
}

// mapping reads a block mapping at indentation n whose first key is at
// byte off of the current line.
func (p *fastParser) mapping(n, off int) (*yaml.Node, bool) {
	m := p.node()
	*m = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.i + 1, Column: p.col(p.i, off)}
	mark := len(p.stack)
	for {
		key, rest, ok := p.key(off)
		if !ok {
			return nil, false
		}
		val, ok := p.value(rest, n, true)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, key, val)
		if p.i == len(p.lines) {
			m.Content = p.children(mark)
			return m, true
		}
		l := &p.lines[p.i]
		switch {
		case l.indent < n:
			m.Content = p.children(mark)
			return m, true
		case l.indent > n, dash(l):
			return nil, false
		}
		off = n
	}
}

// sequence reads a block sequence whose entries are at indentation n.
func (p *fastParser) sequence(n int) (*yaml.Node, bool) {
	s := p.node()
	*s = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: p.i + 1, Column: p.col(p.i, n)}
	mark := len(p.stack)
	for {
		l := &p.lines[p.i]
		off := n + 1
		for off < len(l.text) && l.text[off] == ' ' {
			off++
		}
		var item *yaml.Node
		var ok bool
		switch {
		case off == len(l.text) || l.text[off] == '#':
			// The entry on the next lines.
			p.i++
			p.skip()
			if p.i == len(p.lines) {
				return nil, false // an empty entry
			}
			item, ok = p.block(n)
		case off > n+1 && dash(&fastLine{text: l.text, indent: off}):
			return nil, false // "- - x", a sequence in an entry
		case p.isKey(l.text, off):
			// "- key: value": a mapping indented as its first key.
			item, ok = p.mapping(off, off)
		default:
			item, ok = p.value(off, n, false)
		}
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, item)
		if p.i == len(p.lines) {
			s.Content = p.children(mark)
			return s, true
		}
		l = &p.lines[p.i]
		switch {
		case l.indent < n:
			s.Content = p.children(mark)
			return s, true
		case l.indent > n:
			return nil, false
		case !dash(l):
			// Back to the mapping an indentless sequence is the value
			// of (or a fault, which that mapping gives up on).
			s.Content = p.children(mark)
			return s, true
		}
	}
}

// isKey reports whether a mapping entry starts at off: a quoted or plain
// key followed by ": " or a ':' ending the line.
func (p *fastParser) isKey(text string, off int) bool {
	switch text[off] {
	case '\'', '"':
		_, end, ok := quoted(text, off)
		return ok && end < len(text) && text[end] == ':' && (end+1 == len(text) || text[end+1] == ' ')
	}
	_, ok := plainKeyEnd(text, off)
	return ok
}

// plainKeyEnd finds the ':' ending a plain key that starts at off.
func plainKeyEnd(text string, off int) (int, bool) {
	if !plainFirst(text, off) {
		return 0, false
	}
	for j := off; j < len(text); j++ {
		switch text[j] {
		case ':':
			if j+1 == len(text) || text[j+1] == ' ' {
				return j, true
			}
		case '#':
			if text[j-1] == ' ' {
				return 0, false // a comment before any ':'
			}
		}
	}
	return 0, false
}

// plainFirst reports whether a plain scalar may start at off: not with an
// indicator, and with "-", "?" or ":" only before a character that is not
// a space.
func plainFirst(text string, off int) bool {
	switch text[off] {
	case '-', '?', ':':
		return off+1 < len(text) && text[off+1] != ' '
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// key reads the key at byte off of the current line, and returns the
// offset after its ':'.
func (p *fastParser) key(off int) (*yaml.Node, int, bool) {
	text := p.lines[p.i].text
	k := p.node()
	*k = yaml.Node{Kind: yaml.ScalarNode, Line: p.i + 1, Column: p.col(p.i, off)}
	var end int
	switch text[off] {
	case '\'', '"':
		v, e, ok := quoted(text, off)
		if !ok || e == len(text) || text[e] != ':' || (e+1 < len(text) && text[e+1] != ' ') {
			return nil, 0, false
		}
		k.Value, k.Tag, end = v, "!!str", e
		k.Style = yaml.SingleQuotedStyle
		if text[off] == '"' {
			k.Style = yaml.DoubleQuotedStyle
		}
	default:
		e, ok := plainKeyEnd(text, off)
		if !ok || text[e-1] == ' ' {
			return nil, 0, false // trailing spaces: left to yaml.v3
		}
		k.Value, end = text[off:e], e
		k.Tag = plainTag(k)
	}
	// yaml.v3 allows a simple key of at most 1024 characters.
	if end-off > 1000 {
		return nil, 0, false
	}
	return k, end + 1, true
}

// value reads the value at byte off of the current line (after a key's
// ':', or a sequence entry's "- "): inline, or on the lines after. owner
// is the indentation of the mapping or sequence it belongs to; inMap
// allows an indentless sequence as the value.
func (p *fastParser) value(off, owner int, inMap bool) (*yaml.Node, bool) {
	text := p.lines[p.i].text
	for off < len(text) && text[off] == ' ' {
		off++
	}
	if off == len(text) || text[off] == '#' {
		// The value on the next lines.
		p.i++
		p.skip()
		if p.i == len(p.lines) {
			return nil, false // an empty value
		}
		l := &p.lines[p.i]
		switch {
		case l.indent > owner:
			return p.block(owner)
		case l.indent == owner && inMap && dash(l):
			return p.sequence(owner)
		}
		return nil, false // an empty value
	}
	n := p.node()
	*n = yaml.Node{Kind: yaml.ScalarNode, Line: p.i + 1, Column: p.col(p.i, off)}
	var end int
	switch text[off] {
	case '|', '>':
		return n, p.blockScalar(n, off, owner)
	case '\'', '"':
		v, e, ok := quoted(text, off)
		if !ok {
			return nil, false
		}
		n.Value, n.Tag, end = v, "!!str", e
		n.Style = yaml.SingleQuotedStyle
		if text[off] == '"' {
			n.Style = yaml.DoubleQuotedStyle
		}
	default:
		if !plainFirst(text, off) {
			return nil, false
		}
		end = len(text)
		for j := off; j < len(text); j++ {
			if text[j] == ':' && (j+1 == len(text) || text[j+1] == ' ') {
				return nil, false // a mapping where yaml.v3 allows none
			}
			if text[j] == '#' && text[j-1] == ' ' {
				end = j
				break
			}
		}
		n.Value = strings.TrimRight(text[off:end], " ")
		n.Tag = plainTag(n)
	}
	// Only a comment may follow on the line.
	for end < len(text) && text[end] == ' ' {
		end++
	}
	if end < len(text) && text[end] != '#' {
		return nil, false
	}
	p.i++
	p.skip()
	if p.i < len(p.lines) && p.lines[p.i].indent > owner {
		return nil, false // a scalar continued on the next line
	}
	return n, true
}

// blockScalar reads a literal or folded block scalar whose header is at
// byte off of the current line, for a node of the collection at
// indentation owner.
func (p *fastParser) blockScalar(n *yaml.Node, off, owner int) bool {
	text := p.lines[p.i].text
	n.Tag = "!!str"
	n.Style = yaml.LiteralStyle
	folded := text[off] == '>'
	if folded {
		n.Style = yaml.FoldedStyle
	}
	h := off + 1
	strip := h < len(text) && text[h] == '-'
	if strip {
		h++
	}
	// Only spaces and a comment after the header: no keep chomping, no
	// indentation indicator.
	if h < len(text) && text[h] != ' ' {
		return false
	}
	for h < len(text) && text[h] == ' ' {
		h++
	}
	if h < len(text) && text[h] != '#' {
		return false
	}
	p.i++
	first := p.i
	if first == len(p.lines) || p.lines[first].blank {
		return false // empty, or leading empty lines
	}
	ci := p.lines[first].indent
	if ci <= owner {
		return false // an empty scalar
	}
	last := first // the last line with content
	for j := first; j < len(p.lines); j++ {
		l := &p.lines[j]
		if l.blank {
			if len(l.text) > ci {
				return false // spaces past the indentation
			}
			continue
		}
		if l.indent < ci {
			break
		}
		if folded && l.indent > ci {
			return false // a more-indented line, which folding keeps
		}
		last = j
	}
	if last == len(p.lines)-1 && p.data[len(p.data)-1] != '\n' {
		return false // the scalar ends the file without a line break
	}
	var b strings.Builder
	empty := 0 // empty lines since the last content line
	for j := first; j <= last; j++ {
		l := &p.lines[j]
		if l.blank {
			empty++
			continue
		}
		if j > first {
			switch {
			case !folded:
				b.WriteString(strings.Repeat("\n", empty+1))
			case empty > 0:
				b.WriteString(strings.Repeat("\n", empty))
			default:
				b.WriteByte(' ')
			}
		}
		empty = 0
		b.WriteString(l.text[ci:])
	}
	if !strip {
		b.WriteByte('\n')
	}
	n.Value = b.String()
	p.i = last + 1
	p.skip()
	return true
}

// plainTag is the tag yaml.v3 gives a plain scalar: its resolver's
// (which Node.ShortTag runs), and !!merge for "<<", which its parser sets
// before resolving.
func plainTag(n *yaml.Node) string {
	if n.Value == "<<" {
		return "!!merge"
	}
	// The resolver reads as a string at once any scalar whose first
	// character is not in its resolveTable (most scalars), and looks up
	// one starting with a letter of its table only among its words:
	// such scalars are spared its work.
	v := n.Value
	switch resolveFirst[v[0]] {
	case 0:
		return "!!str"
	case 'M':
		// Only its table's words: booleans and nulls (yaml.v3 reads
		// YAML 1.1's yes, on, ... as strings into a Node).
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "null", "Null", "NULL", "~":
			return "!!null"
		}
		return "!!str"
	}
	// A sign or '.' before a letter starts no number, timestamp, or
	// binary or octal form the resolver reads (each has a digit there,
	// or '.' and a digit): a string ("-enc", ".exe"), unless one of its
	// table's words (.inf and .nan, spelt three ways each).
	if len(v) > 1 && (v[0] == '+' || v[0] == '-' || v[0] == '.') && isLetter(v[1]) &&
		!strings.EqualFold(v, ".inf") && !strings.EqualFold(v, ".nan") {
		return "!!str"
	}
	// Two shapes every rule holds, which the resolver reads slowly: a
	// decimal without a leading zero that fits an int64 is an !!int
	// (strconv.ParseInt's base 0 reads it as decimal), and a date
	// YYYY-MM-DD a !!timestamp when time.Parse takes it with the one of
	// its timestamp formats such text can match ("2006-1-2"), else (no
	// number either) a !!str.
	if len(v) <= 18 && (v[0] != '0' || len(v) == 1) && digits(v) {
		return "!!int"
	}
	if len(v) == 10 && digits(v[:4]) && v[4] == '-' && digits(v[5:7]) && v[7] == '-' && digits(v[8:]) {
		if _, err := time.Parse("2006-1-2", v); err == nil {
			return "!!timestamp"
		}
		return "!!str"
	}
	return n.ShortTag()
}

// resolveFirst is yaml.v3's resolveTable: the first characters its
// resolver looks further at ('M': only the words of its table, whose other
// entries start with '.'); any other first character makes a string.
var resolveFirst = func() (t [256]byte) {
	for _, c := range "+-0123456789." {
		t[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~" {
		t[c] = 'M'
	}
	return t
}()

// isLetter reports whether c is an ASCII letter.
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// digits reports whether s is ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoted reads the single- or double-quoted scalar at off, which must
// close on its line, and returns its value and the offset after it.
func quoted(text string, off int) (string, int, bool) {
	q := text[off]
	j := off + 1
	// Without an escape the value is the text itself.
	for ; j < len(text); j++ {
		c := text[j]
		if c == q {
			if q == '\'' && j+1 < len(text) && text[j+1] == '\'' {
				break // a doubled quote
			}
			return text[off+1 : j], j + 1, true
		}
		if c == '\\' && q == '"' {
			break
		}
	}
	var b strings.Builder
	b.WriteString(text[off+1 : j])
	for j < len(text) {
		c := text[j]
		switch {
		case c == '\'' && q == '\'':
			if j+1 < len(text) && text[j+1] == '\'' {
				b.WriteByte('\'')
				j += 2
				continue
			}
			return b.String(), j + 1, true
		case c == '"' && q == '"':
			return b.String(), j + 1, true
		case c == '\\' && q == '"':
			n, ok := escape(&b, text[j+1:])
			if !ok {
				return "", 0, false
			}
			j += 1 + n
			continue
		}
		b.WriteByte(c)
		j++
	}
	return "", 0, false // continued on the next line
}

// escape writes the character of the double-quoted escape rest starts
// with (after its backslash), as yaml.v3 reads it, and returns its length.
func escape(b *strings.Builder, rest string) (int, bool) {
	if rest == "" {
		return 0, false // an escaped line break
	}
	if s := simpleEscapes[rest[0]]; s != "" {
		b.WriteString(s)
		return 1, true
	}
	digits := 0
	switch rest[0] {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	}
	if digits == 0 || len(rest) < 1+digits {
		return 0, false
	}
	v, err := strconv.ParseUint(rest[1:1+digits], 16, 32)
	if err != nil || strings.ContainsAny(rest[1:1+digits], "+-_") || v >= 0xD800 && v <= 0xDFFF || v > 0x10FFFF {
		return 0, false
	}
	b.WriteRune(rune(v))
	return 1 + digits, true
}

// simpleEscapes are the one-character escapes of double-quoted scalars
// yaml.v3 reads (libyaml's: YAML 1.1's, which lack 1.2's "\/").
var simpleEscapes = [256]string{'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': `"`, '\'': "'", '\\': `\`, 'N': "\u0085", '_': "\u00a0",
	'L': "\u2028", 'P': "\u2029"}

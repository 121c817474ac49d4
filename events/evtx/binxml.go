package evtx

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// Binary XML tokens ([MS-EVEN6] 2.2.12; libyal's EVTX document, "Binary
// XML"). 0x40 set on a token means "more follows": attributes on an open
// start element, another attribute after this one, more data after a
// value; it changes nothing else, so the parser masks it off.
const (
	tokEOF            = 0x00
	tokOpenStart      = 0x01
	tokCloseStart     = 0x02
	tokCloseEmpty     = 0x03
	tokEnd            = 0x04
	tokValue          = 0x05
	tokAttribute      = 0x06
	tokCDATA          = 0x07
	tokCharRef        = 0x08
	tokEntityRef      = 0x09
	tokPITarget       = 0x0a
	tokPIData         = 0x0b
	tokTemplate       = 0x0c
	tokSubstitution   = 0x0d
	tokOptionalSubst  = 0x0e
	tokFragmentHeader = 0x0f
	tokMore           = 0x40
)

// Bounds on what a file can make the decoder do. They are far above
// anything Windows writes (event XML nests about five deep, one level of
// binary XML within a substitution, a few dozen nodes), and they keep a
// crafted record from recursing without end or expanding exponentially
// (a template that uses a nested template's substitution many times over).
//
// A record's work is bounded by its tokens and the items it expands to
// (elements and text pieces built, placeholders filled): at most
// itemsBase + itemsPerByte × its size, and never more than maxItems. A
// real record stays far below (shared template parts cost nothing; each
// substitution value it fills costs about one item per four bytes of its
// descriptor), while a crafted chunk of many small records, each
// instantiating a large template, would otherwise take seconds.
const (
	maxDepth     = 64      // elements within elements
	maxNested    = 8       // binary XML within substitution values
	maxItems     = 1 << 16 // items one record may expand to, whatever its size
	itemsBase    = 1024
	itemsPerByte = 8
)

// recordBudget is how many items a record of size bytes may expand to.
func recordBudget(size int) int { return min(maxItems, itemsBase+itemsPerByte*size) }

// node is an element: its name, attributes and content. Nodes are never
// changed once built: a template's are shared by every record made from
// it, each with its own values.
type node struct {
	name  string
	attrs []attr
	kids  []item
}

// attr is an attribute; its value is a sequence of text pieces. field is
// its flat field name, Element.Attribute, made once per template.
type attr struct {
	name, field string
	val         []item
}

// item is one piece of content: an element, a piece of text (a value), a
// template instance, or, in a template, a placeholder for the value of
// substitution sub-1.
type item struct {
	elem *node
	val  value
	inst *instance
	sub  int  // 1-based substitution index; 0 when not a placeholder
	opt  bool // optional substitution: left out when its value is empty
}

// instance is a template instance: the template's content, read with the
// instance's values in place of its placeholders. Records are never
// expanded into trees of their own: the renderings read the shared
// template with the values, which keeps a record's cost to its values.
type instance struct {
	items []item
	vals  []value
}

// chunk is one chunk's buffer with its caches: names and templates are
// stored once per chunk and referred to by offset from many records.
type chunk struct {
	buf       []byte
	names     map[uint32]string
	templates map[uint32]*template
	// The record being read puts its values' bytes in arena, and they
	// become one string when it is done (one allocation, not one a
	// value): pending are the values that take their part of it.
	arena   []byte
	pending []pendingValue
	// Slabs the records' template instances and values are taken from.
	insts []instance
	vals  []value
	// top is the record's fragment, reused: records keep their event
	// element, not the fragment's item list.
	top []item
	// Slabs of elements, their attributes and content, and the stack
	// content is gathered on while an element is read.
	nodes   []node
	attrs   []attr
	items   []item
	scratch []item
}

type pendingValue struct {
	v          *value
	start, end int
}

// values gives the values of the record just read their text, and
// empties the arena for the next record.
func (c *chunk) values() {
	s := string(c.arena)
	for _, p := range c.pending {
		p.v.s = s[p.start:p.end]
	}
	c.arena, c.pending = c.arena[:0], c.pending[:0]
}

// instance makes a template instance with room for n values, taken from
// slabs that the chunk's records share: two allocations for many
// records, not two each.
func (c *chunk) instance(items []item, n int) *instance {
	if len(c.insts) == 0 {
		c.insts = make([]instance, 32)
	}
	inst := &c.insts[0]
	c.insts = c.insts[1:]
	if cap(c.vals) < n {
		c.vals = make([]value, 0, max(n, 1024))
	}
	*inst = instance{items: items, vals: c.vals[:n:n]}
	c.vals = c.vals[n:n]
	return inst
}

// template is a parsed template definition. size and refs measure what an
// instance expands to: size items besides the placeholders, and how many
// placeholders refer to each substitution (sorted by substitution).
type template struct {
	items []item
	size  int
	refs  []subRefs
	err   error
}

type subRefs struct{ sub, n int }

// decodeError is a malformed piece of binary XML at a chunk offset.
type decodeError struct {
	off int
	msg string
}

func (e *decodeError) Error() string { return fmt.Sprintf("chunk offset 0x%x: %s", e.off, e.msg) }

// parser reads binary XML from buf[pos:end]. Substitution tokens are
// allowed only in a template definition (template set).
type parser struct {
	c        *chunk
	pos, end int
	template bool
	budget   *int // items the record may still create
	limit    int  // the record's budget, for messages
	nest     int  // depth of binary XML within substitutions
}

func (p *parser) errf(format string, args ...any) error {
	return &decodeError{p.pos, fmt.Sprintf(format, args...)}
}

func (p *parser) need(n int) error {
	if n < 0 || p.pos+n > p.end {
		return p.errf("binary XML ends inside a token (%d bytes needed, %d left)", n, p.end-p.pos)
	}
	return nil
}

func (p *parser) u8() (byte, error) {
	if err := p.need(1); err != nil {
		return 0, err
	}
	p.pos++
	return p.c.buf[p.pos-1], nil
}

func (p *parser) u16() (int, error) {
	if err := p.need(2); err != nil {
		return 0, err
	}
	p.pos += 2
	return int(binary.LittleEndian.Uint16(p.c.buf[p.pos-2:])), nil
}

func (p *parser) u32() (uint32, error) {
	if err := p.need(4); err != nil {
		return 0, err
	}
	p.pos += 4
	return binary.LittleEndian.Uint32(p.c.buf[p.pos-4:]), nil
}

// countedUTF16 reads a UTF-16 string preceded by its length in code
// units (a 16-bit count), the form of value text and CDATA.
func (p *parser) countedUTF16() (string, error) {
	n, err := p.u16()
	if err != nil {
		return "", err
	}
	return p.utf16(n)
}

// utf16 reads a string of n UTF-16 units.
func (p *parser) utf16(n int) (string, error) {
	if err := p.need(2 * n); err != nil {
		return "", err
	}
	s := utf16String(p.c.buf[p.pos : p.pos+2*n])
	p.pos += 2 * n
	return s, nil
}

// spend counts n items against the record's budget.
func (p *parser) spend(n int) error {
	*p.budget -= n
	if *p.budget < 0 {
		return p.errf("record expands to more than %d elements, values and tokens (a fixed bound of %d + %d per byte of the record, at most %d, far above any real event)", p.limit, itemsBase, itemsPerByte, maxItems)
	}
	return nil
}

// name reads a name reference: an offset in the chunk of a name structure
// (next offset, hash, length, UTF-16 text, NUL). When the offset is where
// the parser stands, the structure is written here, the first time the
// chunk uses the name, and is passed over.
func (p *parser) name() (string, error) {
	off, err := p.u32()
	if err != nil {
		return "", err
	}
	s, size, err := p.c.name(off)
	if err != nil {
		return "", &decodeError{p.pos - 4, err.Error()}
	}
	if int(off) == p.pos {
		if err := p.need(size); err != nil {
			return "", err
		}
		p.pos += size
	}
	return s, nil
}

// name reads the name structure at off, caching it.
func (c *chunk) name(off uint32) (s string, size int, err error) {
	b := c.buf
	if uint64(off)+8 > uint64(len(b)) {
		return "", 0, fmt.Errorf("name offset 0x%x outside the chunk", off)
	}
	n := int(binary.LittleEndian.Uint16(b[off+6:]))
	size = 8 + 2*n + 2
	if int(off)+size > len(b) {
		return "", 0, fmt.Errorf("name at 0x%x runs past the chunk", off)
	}
	if s, ok := c.names[off]; ok {
		return s, size, nil
	}
	s = utf16String(b[int(off)+8 : int(off)+8+2*n])
	c.names[off] = s
	return s, size, nil
}

// fragment reads a binary XML fragment: an optional header, then elements
// or template instances, up to the end-of-file token or the end of the
// data. Its items are appended to out.
func (p *parser) fragment(depth int, out []item) ([]item, error) {
	for p.pos < p.end {
		if err := p.spend(1); err != nil {
			return nil, err
		}
		tok := p.c.buf[p.pos]
		switch tok &^ tokMore {
		case tokEOF:
			p.pos++
			return out, nil
		case tokFragmentHeader: // major and minor version, flags
			if err := p.need(4); err != nil {
				return nil, err
			}
			p.pos += 4
		case tokOpenStart:
			n, err := p.element(depth)
			if err != nil {
				return nil, err
			}
			out = append(out, item{elem: n})
		case tokTemplate:
			if p.template {
				return nil, p.errf("template instance inside a template definition")
			}
			it, err := p.templateInstance()
			if err != nil {
				return nil, err
			}
			out = append(out, it)
		default:
			return nil, p.errf("unexpected token 0x%02x at the top of a fragment", tok)
		}
	}
	return out, nil
}

// element reads an element from its open start token to its end.
func (p *parser) element(depth int) (*node, error) {
	if depth >= maxDepth {
		return nil, p.errf("elements nested more than %d deep (a fixed bound, far above any real event)", maxDepth)
	}
	if err := p.spend(1); err != nil {
		return nil, err
	}
	tok, _ := p.u8()
	// Dependency identifier (unused; some writers leave it out, see
	// hasDependency), size of the element's data (not needed: the tokens
	// delimit it).
	skip := 4
	if p.hasDependency() {
		skip = 6
	}
	if err := p.need(skip); err != nil {
		return nil, err
	}
	p.pos += skip
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	n := p.c.node(name)
	if tok&tokMore != 0 {
		if _, err := p.u32(); err != nil { // size of the attribute list
			return nil, err
		}
		for p.pos < p.end && p.c.buf[p.pos]&^tokMore == tokAttribute {
			p.pos++
			aname, err := p.name()
			if err != nil {
				return nil, err
			}
			start := len(p.c.scratch)
			p.c.scratch, err = p.pieces(false, p.c.scratch)
			if err != nil {
				return nil, err
			}
			val := p.c.keep(p.c.scratch[start:])
			p.c.scratch = p.c.scratch[:start]
			p.c.attrs = append(p.c.attrs, attr{aname, name + "." + aname, val})
			n.attrs = p.c.attrs[len(p.c.attrs)-len(n.attrs)-1 : len(p.c.attrs) : len(p.c.attrs)]
		}
	}
	end, err := p.u8()
	if err != nil {
		return nil, err
	}
	switch end {
	case tokCloseEmpty:
		return n, nil
	case tokCloseStart:
	default:
		p.pos--
		return nil, p.errf("unexpected token 0x%02x after the start of element %s", end, name)
	}
	// The children are gathered on the chunk's scratch stack (a child's
	// own children above them, gone before the next is read), then kept.
	start := len(p.c.scratch)
	for {
		if err := p.need(1); err != nil {
			return nil, err
		}
		if p.c.buf[p.pos]&^tokMore == tokEnd {
			p.pos++
			n.kids = p.c.keep(p.c.scratch[start:])
			p.c.scratch = p.c.scratch[:start]
			return n, nil
		}
		if p.c.buf[p.pos]&^tokMore == tokOpenStart {
			kid, err := p.element(depth + 1)
			if err != nil {
				return nil, err
			}
			p.c.scratch = append(p.c.scratch, item{elem: kid})
			continue
		}
		at := p.pos
		p.c.scratch, err = p.pieces(true, p.c.scratch)
		if err != nil {
			return nil, err
		}
		if p.pos == at {
			return nil, p.errf("unexpected token 0x%02x in element %s", p.c.buf[p.pos], name)
		}
	}
}

// node makes an element from the chunk's slab of them.
func (c *chunk) node(name string) *node {
	if len(c.nodes) == 0 {
		c.nodes = make([]node, 64)
	}
	n := &c.nodes[0]
	c.nodes = c.nodes[1:]
	n.name = name
	return n
}

// keep copies items into the chunk's slab of them (nil for none).
func (c *chunk) keep(items []item) []item {
	if len(items) == 0 {
		return nil
	}
	if cap(c.items)-len(c.items) < len(items) {
		c.items = make([]item, 0, max(len(items), 256))
	}
	start := len(c.items)
	c.items = append(c.items, items...)
	return c.items[start:len(c.items):len(c.items)]
}

// hasDependency tells whether the open start element being read (p.pos
// just after its token) has the two-byte dependency identifier, which
// Windows writes but which is absent in some binary XML held in
// substitution values. The name reference says which: it points just
// after itself when the name is written in place, or at a name the chunk
// already holds. Where neither layout shows that, the identifier is taken
// as present.
func (p *parser) hasDependency() bool {
	at := p.pos
	if at+10 > p.end {
		return true
	}
	with := binary.LittleEndian.Uint32(p.c.buf[at+6:])
	if int(with) == at+10 {
		return true
	}
	if _, ok := p.c.names[with]; ok {
		return true
	}
	without := binary.LittleEndian.Uint32(p.c.buf[at+4:])
	if int(without) == at+8 {
		return false
	}
	_, ok := p.c.names[without]
	return !ok
}

// pieces reads text tokens (values, character and entity references,
// CDATA, substitutions) up to the first other token; processing
// instructions in content are passed over (neither rendering shows them).
// The pieces are appended to out.
func (p *parser) pieces(content bool, out []item) ([]item, error) {
	for p.pos < p.end {
		tok := p.c.buf[p.pos] &^ tokMore
		var it item
		switch tok {
		case tokValue:
			p.pos++
			t, err := p.u8()
			if err != nil {
				return nil, err
			}
			if t != tString {
				p.pos--
				return nil, p.errf("value token of type 0x%02x (only strings are defined)", t)
			}
			s, err := p.countedUTF16()
			if err != nil {
				return nil, err
			}
			it.val = value{t: tString, s: s}
		case tokCDATA:
			if !content {
				return out, nil
			}
			p.pos++
			s, err := p.countedUTF16()
			if err != nil {
				return nil, err
			}
			it.val = value{t: tString, s: s}
		case tokCharRef:
			p.pos++
			r, err := p.u16()
			if err != nil {
				return nil, err
			}
			it.val = value{t: tString, s: string(rune(r))}
		case tokEntityRef:
			p.pos++
			name, err := p.name()
			if err != nil {
				return nil, err
			}
			it.val = value{t: tString, s: entity(name)}
		case tokPITarget, tokPIData:
			if !content {
				return out, nil
			}
			if err := p.spend(1); err != nil {
				return nil, err
			}
			p.pos++
			if tok == tokPITarget {
				if _, err := p.name(); err != nil {
					return nil, err
				}
			} else {
				n, err := p.u16()
				if err != nil {
					return nil, err
				}
				if _, err := p.utf16(n); err != nil {
					return nil, err
				}
			}
			continue
		case tokSubstitution, tokOptionalSubst:
			if !p.template {
				return nil, p.errf("substitution outside a template definition")
			}
			p.pos++
			id, err := p.u16()
			if err != nil {
				return nil, err
			}
			if _, err := p.u8(); err != nil { // the type; the instance's is the one used
				return nil, err
			}
			it.sub, it.opt = id+1, tok == tokOptionalSubst
		default:
			return out, nil
		}
		if err := p.spend(1); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// entity resolves XML's predefined entities; others are kept as written.
func entity(name string) string {
	switch name {
	case "amp":
		return "&"
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "quot":
		return `"`
	case "apos":
		return "'"
	}
	return "&" + name + ";"
}

// templateInstance reads a template instance: a reference to a template
// definition (written in place the first time the chunk uses it), then
// the substitution values, and returns the template's content with the
// values substituted.
func (p *parser) templateInstance() (item, error) {
	if err := p.need(10); err != nil {
		return item{}, err
	}
	p.pos += 6 // token, version, template identifier
	defOff, _ := p.u32()
	tmpl := p.c.template(defOff)
	if int(defOff) == p.pos { // the definition is here: pass over it
		if err := p.need(24); err != nil {
			return item{}, err
		}
		size := int(binary.LittleEndian.Uint32(p.c.buf[p.pos+20:]))
		if err := p.need(24 + size); err != nil {
			return item{}, err
		}
		p.pos += 24 + size
	}
	if tmpl.err != nil {
		return item{}, tmpl.err
	}
	count, err := p.u32()
	if err != nil {
		return item{}, err
	}
	if int64(count)*4 > int64(p.end-p.pos) {
		return item{}, p.errf("%d substitution values do not fit in the record", count)
	}
	desc := p.pos // the values' sizes and types, four bytes each
	p.pos += 4 * int(count)
	inst := p.c.instance(tmpl.items, int(count))
	var sizes map[int]int // what binary XML values expand to
	for i := range inst.vals {
		t, size := p.c.buf[desc+4*i+2], int(binary.LittleEndian.Uint16(p.c.buf[desc+4*i:]))
		if err := p.need(size); err != nil {
			return item{}, err
		}
		b := p.c.buf[p.pos : p.pos+size]
		if t == tBinXML && size > 0 {
			if p.nest+1 > maxNested {
				return item{}, p.errf("binary XML nested more than %d deep in substitutions (a fixed bound, far above any real event)", maxNested)
			}
			before := *p.budget
			np := parser{c: p.c, pos: p.pos, end: p.pos + size, budget: p.budget, limit: p.limit, nest: p.nest + 1}
			items, err := np.fragment(0, nil)
			if err != nil {
				return item{}, err
			}
			inst.vals[i] = value{t: tBinXML, x: &fragment{items}}
			if sizes == nil {
				sizes = map[int]int{}
			}
			sizes[i] = before - *p.budget
		} else {
			// Into the record's arena: one string for all its values.
			start := len(p.c.arena)
			p.c.arena = appendValue(p.c.arena, t, b)
			inst.vals[i].t = t
			p.c.pending = append(p.c.pending, pendingValue{&inst.vals[i], start, len(p.c.arena)})
		}
		p.pos += size
	}
	// Charge what the instance expands to: the template's own items, and
	// each value as many times as the template uses it (a nested
	// fragment's size was charged once as it was read).
	n := tmpl.size
	for _, r := range tmpl.refs {
		if size, ok := sizes[r.sub]; ok {
			n += (r.n - 1) * size
		}
	}
	if err := p.spend(n); err != nil {
		return item{}, err
	}
	return item{inst: inst}, nil
}

// template returns the template definition at off (next-definition
// offset, GUID, data size, then the data, a fragment with substitution
// tokens), parsing it the first time. A template is bounded by the
// chunk's size and parsed once per chunk; what its instances expand to is
// charged to each record.
func (c *chunk) template(off uint32) *template {
	if t, ok := c.templates[off]; ok {
		return t
	}
	t := &template{}
	c.templates[off] = t
	if uint64(off)+24 > uint64(len(c.buf)) {
		t.err = &decodeError{int(off), "template definition outside the chunk"}
		return t
	}
	size := int(binary.LittleEndian.Uint32(c.buf[off+20:]))
	start := int(off) + 24
	if size > len(c.buf)-start {
		t.err = &decodeError{int(off), "template definition runs past the chunk"}
		return t
	}
	budget := maxItems
	tp := parser{c: c, pos: start, end: start + size, template: true, budget: &budget, limit: budget}
	t.items, t.err = tp.fragment(0, nil)
	t.size = maxItems - budget
	refs := map[int]int{}
	countRefs(t.items, refs)
	for sub, n := range refs {
		t.refs = append(t.refs, subRefs{sub, n})
	}
	sort.Slice(t.refs, func(i, j int) bool { return t.refs[i].sub < t.refs[j].sub })
	return t
}

// countRefs counts the placeholders of each substitution.
func countRefs(items []item, refs map[int]int) {
	for _, it := range items {
		if it.sub != 0 {
			refs[it.sub-1]++
		}
		if it.elem != nil {
			for _, a := range it.elem.attrs {
				countRefs(a.val, refs)
			}
			countRefs(it.elem.kids, refs)
		}
	}
}

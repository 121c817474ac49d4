package sigma

import (
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/diag"
)

// MaxCondDepth bounds the nesting of a condition (parentheses and nots),
// so that a hostile condition cannot exhaust the stack.
const MaxCondDepth = 200

// Cond is a node of a parsed condition.
type Cond interface {
	// Pos is where the node starts in the file, End just after it.
	Pos() diag.Pos
	End() diag.Pos
	cond()
}

// And holds when every argument does.
type And struct {
	Args []Cond
}

// Or holds when any argument does.
type Or struct {
	Args []Cond
}

// Not holds when X does not.
type Not struct {
	X    Cond
	From diag.Pos // the not keyword
}

// Ident names a search identifier.
type Ident struct {
	Name     string
	From, To diag.Pos
}

// OfPattern is "1 of pattern" (All false) or "all of pattern": the
// search identifiers not starting with '_' that match a pattern where '*'
// is any run of characters. Matches lists them, in the detection's order,
// once resolved.
type OfPattern struct {
	All      bool
	Pattern  string
	Matches  []string
	From, To diag.Pos
}

// OfThem is "1 of them" or "all of them": every search identifier not
// starting with '_'.
type OfThem struct {
	All      bool
	Matches  []string
	From, To diag.Pos
}

func (c *And) Pos() diag.Pos       { return c.Args[0].Pos() }
func (c *And) End() diag.Pos       { return c.Args[len(c.Args)-1].End() }
func (c *Or) Pos() diag.Pos        { return c.Args[0].Pos() }
func (c *Or) End() diag.Pos        { return c.Args[len(c.Args)-1].End() }
func (c *Not) Pos() diag.Pos       { return c.From }
func (c *Not) End() diag.Pos       { return c.X.End() }
func (c *Ident) Pos() diag.Pos     { return c.From }
func (c *Ident) End() diag.Pos     { return c.To }
func (c *OfPattern) Pos() diag.Pos { return c.From }
func (c *OfPattern) End() diag.Pos { return c.To }
func (c *OfThem) Pos() diag.Pos    { return c.From }
func (c *OfThem) End() diag.Pos    { return c.To }
func (*And) cond()                 {}
func (*Or) cond()                  {}
func (*Not) cond()                 {}
func (*Ident) cond()               {}
func (*OfPattern) cond()           {}
func (*OfThem) cond()              {}

// CondString writes the condition back fully parenthesised, for tests and
// messages.
func CondString(c Cond) string {
	switch c := c.(type) {
	case *And:
		return join(c.Args, " and ")
	case *Or:
		return join(c.Args, " or ")
	case *Not:
		return "not " + CondString(c.X)
	case *Ident:
		return c.Name
	case *OfPattern:
		return quant(c.All) + " of " + c.Pattern
	case *OfThem:
		return quant(c.All) + " of them"
	}
	return "?"
}

func join(args []Cond, sep string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = CondString(a)
	}
	return "(" + strings.Join(parts, sep) + ")"
}

func quant(all bool) string {
	if all {
		return "all"
	}
	return "1"
}

// ParseCondition parses a condition on its own, positions on line 1 of
// file with columns counting bytes of text. It does not resolve the
// identifiers; a rule's conditions are parsed and resolved by Parse.
func ParseCondition(file, text string) (Cond, diag.List) {
	var diags diag.List
	p := &condParser{text: text, diags: &diags, at: func(off int) diag.Pos {
		return diag.Pos{File: file, Line: 1, Col: off + 1}
	}}
	return p.parse(), diags
}

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tWord
	tBad
)

type token struct {
	kind       tokKind
	text       string
	start, end int
}

type condParser struct {
	text   string
	at     func(off int) diag.Pos
	diags  *diag.List
	tok    token
	pos    int
	depth  int
	failed bool
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == '*' || c >= 0x80
}

func (p *condParser) next() {
	t := p.text
	for p.pos < len(t) && (t[p.pos] == ' ' || t[p.pos] == '\t' || t[p.pos] == '\n' || t[p.pos] == '\r') {
		p.pos++
	}
	start := p.pos
	switch {
	case p.pos >= len(t):
		p.tok = token{kind: tEOF, start: start, end: start}
		return
	case t[p.pos] == '(':
		p.pos++
		p.tok = token{kind: tLParen, text: "(", start: start, end: p.pos}
		return
	case t[p.pos] == ')':
		p.pos++
		p.tok = token{kind: tRParen, text: ")", start: start, end: p.pos}
		return
	case isIdentByte(t[p.pos]):
		for p.pos < len(t) && isIdentByte(t[p.pos]) {
			p.pos++
		}
		p.tok = token{kind: tWord, text: t[start:p.pos], start: start, end: p.pos}
		return
	}
	// One byte that cannot start a token (identifiers take every byte
	// of a non-ASCII character).
	p.pos++
	p.tok = token{kind: tBad, text: t[start:p.pos], start: start, end: p.pos}
}

func (p *condParser) errorf(code string, off int, format string, args ...any) {
	if p.failed {
		return
	}
	p.failed = true
	*p.diags = append(*p.diags, diag.Diagnostic{Pos: p.at(off), Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

// parse reads the whole condition, or returns nil after one diagnostic.
func (p *condParser) parse() Cond {
	p.next()
	if p.tok.kind == tEOF {
		p.errorf("S200", 0, "the condition is empty")
		return nil
	}
	c := p.or()
	if !p.failed && p.tok.kind != tEOF {
		p.unexpected("and, or or the end of the condition")
	}
	if p.failed {
		return nil
	}
	return c
}

func (p *condParser) unexpected(want string) {
	switch {
	case p.tok.kind == tEOF:
		p.errorf("S200", p.tok.start, "the condition ends where %s should be", want)
	case p.tok.text == "|":
		p.errorf("S204", p.tok.start, "'|' starts Sigma's obsolete aggregation (count, near), not in specification v2: write a correlation rule")
	case p.tok.kind == tBad:
		p.errorf("S200", p.tok.start, "unexpected %q in the condition: identifiers hold letters, digits, non-ASCII characters, '_', '-', '.' and the wildcard '*'", p.tok.text)
	default:
		p.errorf("S200", p.tok.start, "unexpected %q where %s should be", p.tok.text, want)
	}
}

// Precedence, least to most binding, as the specification's Condition
// section lists it: or, and, not, x of, parentheses.
func (p *condParser) or() Cond {
	x := p.and()
	if p.failed || !p.isWord("or") {
		return x
	}
	args := []Cond{x}
	for p.isWord("or") && !p.failed {
		p.next()
		args = append(args, p.and())
	}
	return &Or{Args: args}
}

func (p *condParser) and() Cond {
	x := p.not()
	if p.failed || !p.isWord("and") {
		return x
	}
	args := []Cond{x}
	for p.isWord("and") && !p.failed {
		p.next()
		args = append(args, p.not())
	}
	return &And{Args: args}
}

func (p *condParser) isWord(w string) bool { return p.tok.kind == tWord && p.tok.text == w }

func (p *condParser) enter() bool {
	p.depth++
	if p.depth > MaxCondDepth {
		p.errorf("S203", p.tok.start, "the condition nests deeper than %d parentheses and nots", MaxCondDepth)
		return false
	}
	return true
}

func (p *condParser) not() Cond {
	if !p.isWord("not") {
		return p.primary()
	}
	if !p.enter() {
		return nil
	}
	defer func() { p.depth-- }()
	from := p.tok.start
	p.next()
	x := p.not()
	if p.failed {
		return nil
	}
	return &Not{X: x, From: p.at(from)}
}

var keywords = map[string]bool{"and": true, "or": true, "not": true, "of": true, "them": true, "all": true}

func (p *condParser) primary() Cond {
	if p.failed {
		return nil
	}
	switch {
	case p.tok.kind == tLParen:
		if !p.enter() {
			return nil
		}
		defer func() { p.depth-- }()
		p.next()
		x := p.or()
		if p.failed {
			return nil
		}
		if p.tok.kind != tRParen {
			p.unexpected("')'")
			return nil
		}
		p.next()
		return x
	case p.tok.kind == tWord:
		t := p.tok
		p.next()
		if p.isWord("of") {
			return p.of(t)
		}
		if keywords[t.text] {
			p.tok = t
			p.unexpected("a search identifier")
			return nil
		}
		if strings.Contains(t.text, "*") {
			p.errorf("S200", t.start, "the pattern %q needs a quantifier: write 1 of %s or all of %s", t.text, t.text, t.text)
			return nil
		}
		return &Ident{Name: t.text, From: p.at(t.start), To: p.at(t.end)}
	}
	p.unexpected("a search identifier, not, '(' or 1/all of")
	return nil
}

// of reads "1 of x" or "all of x" after the quantifier q.
func (p *condParser) of(q token) Cond {
	all := q.text == "all"
	if !all && q.text != "1" {
		if q.text == "any" || isDigits(q.text) {
			p.errorf("S205", q.start, "%q of: the specification has only 1 of and all of", q.text)
		} else {
			p.errorf("S200", q.start, "%q before of: write 1 of or all of", q.text)
		}
		return nil
	}
	p.next() // of
	t := p.tok
	if t.kind != tWord || (keywords[t.text] && t.text != "them") {
		p.unexpected("them or a search identifier pattern after of")
		return nil
	}
	p.next()
	if t.text == "them" {
		return &OfThem{All: all, From: p.at(q.start), To: p.at(t.end)}
	}
	return &OfPattern{All: all, Pattern: t.text, From: p.at(q.start), To: p.at(t.end)}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaxGlobWork bounds the matching of a detection's of-patterns against its
// search identifiers, counted as the sum of len(pattern)*len(name) over
// the pairs tried (Glob's worst case): real rules use a few thousand; a
// hostile file with many long patterns and names is refused (S207)
// instead of running for hours.
const MaxGlobWork = 50_000_000

// resolver checks the identifiers a detection's conditions name and fills
// in the of forms' matches, marking every identifier used.
type resolver struct {
	names    []string
	known    map[string]bool
	used     map[string]bool
	them     []string
	themDone bool
	patterns map[string][]string
	work     int
	over     bool
	suggests int
	diags    *diag.List
}

func newResolver(names []string, diags *diag.List) *resolver {
	r := &resolver{names: names, known: make(map[string]bool, len(names)), used: map[string]bool{},
		patterns: map[string][]string{}, diags: diags}
	for _, n := range names {
		r.known[n] = true
	}
	return r
}

func (r *resolver) errorf(pos diag.Pos, code, suggestion, format string, args ...any) {
	*r.diags = append(*r.diags, diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

func (r *resolver) resolve(c Cond) {
	switch c := c.(type) {
	case *And:
		for _, a := range c.Args {
			r.resolve(a)
		}
	case *Or:
		for _, a := range c.Args {
			r.resolve(a)
		}
	case *Not:
		r.resolve(c.X)
	case *Ident:
		if r.known[c.Name] {
			r.used[c.Name] = true
			return
		}
		sug := ""
		if kw := strings.ToLower(c.Name); keywords[kw] {
			sug = "condition keywords are lower case: " + kw
		} else if r.suggests < 10 && len(r.names) <= 1000 {
			// A few did-you-means are enough, and each costs edit
			// distances against every name.
			r.suggests++
			if s, ok := closest(c.Name, r.names, max(2, len(c.Name)/4)); ok {
				sug = "did you mean " + s + "?"
			}
		}
		r.errorf(c.From, "S201", sug, "%q is not a search identifier of the detection", c.Name)
	case *OfPattern:
		m, ok := r.patterns[c.Pattern]
		if !ok {
			for _, n := range r.names {
				r.work += (len(c.Pattern) + 1) * (len(n) + 1)
				if r.work > MaxGlobWork {
					if !r.over {
						r.over = true
						r.errorf(c.From, "S207", "", "matching the condition's patterns against the search identifiers passes the bound of %d steps: use fewer or shorter patterns and identifiers", MaxGlobWork)
					}
					return
				}
				// The specification's Condition section: "Same as 1/all of
				// them, but restricted to matching search identifiers", so
				// the ones starting with '_' are left out here too.
				if !strings.HasPrefix(n, "_") && Glob(c.Pattern, n) {
					m = append(m, n)
				}
			}
			r.patterns[c.Pattern] = m
		}
		c.Matches = m
		for _, n := range m {
			r.used[n] = true
		}
		if len(m) == 0 {
			hint := ""
			if strings.HasPrefix(c.Pattern, "_") {
				hint = " (those starting with '_' are left out, as from them: name them one by one)"
			}
			r.errorf(c.From, "S202", "", "the pattern %q matches no search identifier%s", c.Pattern, hint)
		}
	case *OfThem:
		if !r.themDone {
			r.themDone = true
			for _, n := range r.names {
				if !strings.HasPrefix(n, "_") {
					r.them = append(r.them, n)
					r.used[n] = true
				}
			}
		}
		c.Matches = r.them
		if len(r.them) == 0 {
			r.errorf(c.From, "S202", "", "them names no search identifier: every one starts with '_'")
		}
	}
}

// Glob reports whether name matches pattern, where '*' matches any run of
// characters and everything else itself. It backtracks only to the last
// star, so it runs in time linear in len(pattern)*len(name) at worst.
func Glob(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

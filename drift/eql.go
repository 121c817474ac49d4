package drift

import (
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/lang/eql"
)

// ReadEQL reads an Event Query Language query, as the Endgame EQL engine
// (endgameinc/eql) runs it, CAR's "EQL native", and the forms of
// Elasticsearch's EQL that cartrans' ecs profile writes.
//
// Query shapes (eql/etc/eql.g): an event query "category where cond"
// (a bare condition is "any where cond"); "sequence", "join" and
// Elasticsearch's "sample", each with [subquery] terms; then pipes. Every
// subquery's category goes to Query.Categories in order, and its
// condition is ANDed into Query.Where; a "| filter cond" pipe is ANDed too
// unless it comes after count or unique_count, whose rows are groups, not
// events. Left unread, as written, one entry per clause: a sequence's,
// join's or sample's head ("sequence by hostname with maxspan=1h"), each
// term's "by …", "fork" and "with runs=N", an "until [ … ]" term, a
// missing-event term "![ … ]", every other pipe ("| count host"), and a
// lineage test (descendant of, child of, event of [ … ]), whose condition
// is dropped from the and it stands in (an or holding one is unread whole).
//
// Conditions: and, or, not, parentheses; comparisons ==, = (Endgame's
// alias), !=, <, <=, >, >=; in (…), in~ (…), not in (…); Elasticsearch's
// ":", like, like~, regex, regex~, with a value or a list; a bare field
// (subtype.create) is Test{Op: Flag}. Values:
//
//   - A string compared with == or != is a Glob ignoring case: in
//     Endgame EQL == lowers both sides and reads * as a wildcard, ? as
//     itself (eql/functions.py Wildcard). A string holding a ? is
//     therefore written as an anchored Regex, where the ? is literal.
//     (Elasticsearch's == is exact and case-sensitive; the reader cannot
//     tell the dialects apart and reads Endgame's meaning.)
//   - f == null is a test that f is absent: Test{f, Ne, Glob "*"}; f !=
//     null is {f, Eq, Glob "*"}, as the Splunk reader reads isnull and
//     isnotnull.
//   - in (…): an Or of Eq tests of Exact values, ignoring case for
//     strings (Endgame's in does not expand wildcards).
//   - ":" and like~ are Glob ignoring case, like is Glob with case (*
//     and ? are wildcards); regex and regex~ are Lucene expressions that
//     match the whole value, read as DNIF's regex() is: an Or of the
//     alternatives, each anchored ^…$.
//   - Numbers and booleans are Exact; <, <=, >, >= take Exact values.
//   - Functions: wildcard(f, "p", …) is an Or of Glob tests;
//     match(f, "re", …) and matchLite are Python's re.match (anchored at
//     the start, ignoring case), read as ^re; stringContains(f, "x") is
//     Glob "*x*", startsWith "x*", endsWith "*x", all ignoring case (a
//     value holding * or ? becomes a Regex, since these functions read
//     them literally); cidrMatch(f, "10.0.0.0/8", …) is an Or of Regex
//     tests over dotted IPv4 addresses. The ~ of Elasticsearch's case-insensitive functions is
//     accepted. A function compared with a value, length(command_line) >
//     400 or command_line:length() > 400, is a Test whose Field is the
//     call as written.
//
// Strings: "…" and '…' with the escapes \b \t \n \f \r \" \' \\ (any
// other is an error, as in Endgame: "C:\Windows" does not parse) and
// Elasticsearch's \u{XXXX}; raw strings ?"…" and ?'…', where only the
// quote is escaped; Elasticsearch's """…""". Field names may be dotted,
// indexed (events[0].pid), escaped in backticks, or marked optional with
// a leading ? (Elasticsearch): Field is the plain dotted path.
//
// Not read (an error): macro and const definitions, arithmetic,
// comparisons of two fields, other functions in a condition, and
// regular expressions that are not RE2.
func ReadEQL(q string) (*Query, error) {
	if !utf8.ValidString(q) {
		return nil, &Error{Pos: dnifBadUTF8(q), Msg: "the query is not UTF-8"}
	}
	toks, err := eql.Lex(q)
	if err != nil {
		return nil, err
	}
	p := &eqlParser{q: q, toks: toks, query: &Query{}}
	if err := p.read(); err != nil {
		return nil, err
	}
	return p.query, nil
}

type eqlParser struct {
	q     string
	toks  []eql.Token
	i     int
	query *Query
	depth int
}

func (p *eqlParser) peek() eql.Token { return p.toks[p.i] }

func (p *eqlParser) peekAt(n int) eql.Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *eqlParser) next() eql.Token {
	t := p.toks[p.i]
	if t.Kind != eql.EOF {
		p.i++
	}
	return t
}

// prevEnd is where the last token read ends.
func (p *eqlParser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].End
}

// isKw reports the keyword w next.
func (p *eqlParser) isKw(ws ...string) bool {
	t := p.peek()
	if t.Kind != eql.Name || !t.Plain {
		return false
	}
	for _, w := range ws {
		if t.Text == w {
			return true
		}
	}
	return false
}

func (p *eqlParser) isPunct(s string) bool {
	t := p.peek()
	return t.Kind == eql.Punct && t.Text == s
}

func (p *eqlParser) errf(pos int, msg string) error { return &Error{Pos: pos, Msg: msg} }

func (p *eqlParser) unexpected(what string) error {
	t := p.peek()
	msg := "unexpected " + eqlDescribe(t)
	if what != "" {
		msg += ": " + what
	}
	return p.errf(t.Pos, msg)
}

// unexpectedEnd reports a token where a condition should end, with a
// hint when it could begin another term.
func (p *eqlParser) unexpectedEnd(what string) error {
	t := p.peek()
	if t.Kind == eql.String || t.Kind == eql.Number || t.Kind == eql.Name && !(t.Plain && eql.IsKeyword(t.Text)) || t.Kind == eql.Punct && t.Text == "(" {
		what += " (a missing and or or?)"
	}
	return p.unexpected(what)
}

func eqlDescribe(t eql.Token) string {
	switch t.Kind {
	case eql.EOF:
		return "end of query"
	case eql.String:
		return "string " + strconv.Quote(t.Text)
	case eql.Method:
		return `":` + t.Text + `("`
	}
	return `"` + t.Text + `"`
}

func (p *eqlParser) expect(punct, what string) (eql.Token, error) {
	if !p.isPunct(punct) {
		return eql.Token{}, p.unexpected(what)
	}
	return p.next(), nil
}

// unread keeps q[from:to] as a part not compared.
func (p *eqlParser) unread(from, to int) {
	if from >= to {
		return
	}
	if s := strings.TrimSpace(p.q[from:to]); s != "" {
		p.query.Unread = append(p.query.Unread, s)
	}
}

func (p *eqlParser) read() error {
	if p.peek().Kind == eql.EOF {
		return p.errf(0, "empty query")
	}
	if p.isKw("macro", "const") {
		return p.errf(p.peek().Pos, "macro and const definitions are not read")
	}
	var conds []*Node
	if !p.isPunct("|") {
		if p.isKw("sequence", "join", "sample") {
			cs, err := p.multi()
			if err != nil {
				return err
			}
			conds = append(conds, cs...)
		} else {
			cat, cond, err := p.eventQuery()
			if err != nil {
				return err
			}
			p.query.Categories = append(p.query.Categories, cat)
			if cond != nil && cond.Kind == And {
				// One event's terms: a filter pipe's join them.
				conds = append(conds, cond.Kids...)
			} else {
				conds = append(conds, cond)
			}
		}
	}
	grouped := false
	for p.isPunct("|") {
		bar := p.next()
		name := p.peek()
		if name.Kind != eql.Name || !name.Plain {
			return p.unexpected("a pipe name after |")
		}
		p.next()
		if name.Text == "filter" && !grouped {
			n, err := p.expr()
			if err != nil {
				return err
			}
			if !p.isPunct("|") && p.peek().Kind != eql.EOF {
				return p.unexpectedEnd("the filter's condition ends here")
			}
			conds = append(conds, n)
			continue
		}
		if name.Text == "count" || name.Text == "unique_count" {
			grouped = true
		}
		depth := 0
		for {
			t := p.peek()
			if t.Kind == eql.EOF || depth == 0 && t.Kind == eql.Punct && t.Text == "|" {
				break
			}
			if t.Kind == eql.Punct || t.Kind == eql.Method {
				switch t.Text {
				case "(", "[", "![":
					depth++
				case ")", "]":
					depth--
				}
				if t.Kind == eql.Method {
					depth++
				}
			}
			p.next()
		}
		p.unread(bar.Pos, p.prevEnd())
	}
	if p.peek().Kind != eql.EOF {
		return p.unexpectedEnd("the query ends here")
	}
	p.query.Where = and(conds...)
	return nil
}

// eventQuery reads "[category where] condition".
func (p *eqlParser) eventQuery() (string, *Node, error) {
	t := p.peek()
	cat := "any"
	// A category is a name, or "any" (Elasticsearch's keyword, Endgame's
	// name), or a string.
	if (t.Kind == eql.Name && t.Plain && (!eql.IsKeyword(t.Text) || t.Text == "any")) || t.Kind == eql.String {
		if w := p.peekAt(1); w.Kind == eql.Name && w.Plain && w.Text == "where" {
			cat = t.Text
			p.i += 2
		}
	}
	if p.isKw("where") {
		return "", nil, p.unexpected("an event category before where")
	}
	n, err := p.expr()
	return cat, n, err
}

// multi reads a sequence, join or sample; it returns the conditions of
// its terms, and adds their categories.
func (p *eqlParser) multi() ([]*Node, error) {
	head := p.next()
	for {
		if p.isKw("by") {
			p.next()
			if err := p.keys(); err != nil {
				return nil, err
			}
			continue
		}
		if p.isKw("with") {
			p.next()
			if err := p.withParam(); err != nil {
				return nil, err
			}
			continue
		}
		break
	}
	p.unread(head.Pos, p.prevEnd())
	var conds []*Node
	for p.isPunct("[") || p.isPunct("![") {
		open := p.peek()
		missing := open.Text == "!["
		mark := len(p.query.Unread)
		cat, cond, err := p.subquery()
		if err != nil {
			return nil, err
		}
		if missing {
			p.query.Unread = p.query.Unread[:mark]
		}
		modStart := p.peek().Pos
		if err := p.termParams(); err != nil {
			return nil, err
		}
		if missing {
			p.unread(open.Pos, p.prevEnd())
			continue
		}
		p.unread(modStart, p.prevEnd())
		p.query.Categories = append(p.query.Categories, cat)
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return nil, p.unexpected("a [subquery] after " + head.Text)
	}
	if p.isKw("until") {
		start := p.next()
		mark := len(p.query.Unread)
		if !p.isPunct("[") {
			return nil, p.unexpected("a [subquery] after until")
		}
		if _, _, err := p.subquery(); err != nil {
			return nil, err
		}
		p.query.Unread = p.query.Unread[:mark]
		if err := p.termParams(); err != nil {
			return nil, err
		}
		p.unread(start.Pos, p.prevEnd())
	}
	return conds, nil
}

// subquery reads "[event query]" (or "![…]").
func (p *eqlParser) subquery() (string, *Node, error) {
	open := p.next()
	cat, cond, err := p.eventQuery()
	if err != nil {
		return "", nil, err
	}
	if !p.isPunct("]") {
		if p.peek().Kind == eql.EOF {
			return "", nil, p.errf(open.Pos, "unbalanced [")
		}
		return "", nil, p.unexpectedEnd("] expected")
	}
	p.next()
	return cat, cond, nil
}

// termParams reads what may follow a term: by keys, fork[=bool], with
// runs=N.
func (p *eqlParser) termParams() error {
	for {
		switch {
		case p.isKw("by"):
			p.next()
			if err := p.keys(); err != nil {
				return err
			}
		case p.isKw("fork"):
			p.next()
			if p.isPunct("=") {
				p.next()
				if !p.isKw("true", "false") {
					return p.unexpected("true or false after fork=")
				}
				p.next()
			}
		case p.isKw("with"):
			p.next()
			if err := p.withParam(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// keys reads the expressions of a by clause.
func (p *eqlParser) keys() error {
	for {
		if _, err := p.sum(); err != nil {
			return err
		}
		if !p.isPunct(",") {
			return nil
		}
		p.next()
	}
}

// withParam reads maxspan=N[unit] or runs=N.
func (p *eqlParser) withParam() error {
	if !p.isKw("maxspan", "runs") {
		return p.unexpected("maxspan or runs after with")
	}
	name := p.next()
	if _, err := p.expect("=", "= after "+name.Text); err != nil {
		return err
	}
	if p.peek().Kind != eql.Number {
		return p.unexpected("a number after " + name.Text + "=")
	}
	p.next()
	if name.Text == "maxspan" && p.isKw("ms", "s", "m", "h", "d") {
		p.next()
	}
	return nil
}

const eqlMaxDepth = 500

// expr reads an or of ands.
func (p *eqlParser) expr() (*Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > eqlMaxDepth {
		return nil, p.errf(p.peek().Pos, "the condition nests too deep")
	}
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	kids := []*Node{first}
	unread := first == nil
	for p.isKw("or") {
		p.next()
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		unread = unread || n == nil
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	if unread {
		// An or with a branch unread (or always true) is unread whole.
		return nil, nil
	}
	return &Node{Kind: Or, Kids: kids, Pos: kids[0].Pos}, nil
}

func (p *eqlParser) and() (*Node, error) {
	first, err := p.not()
	if err != nil {
		return nil, err
	}
	kids := []*Node{first}
	for p.isKw("and") {
		p.next()
		n, err := p.not()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return and(kids...), nil
}

func (p *eqlParser) not() (*Node, error) {
	if p.isKw("not") {
		t := p.next()
		n, err := p.not()
		if err != nil || n == nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: t.Pos}, nil
	}
	return p.term()
}

// The kinds of operand.
const (
	eqlField = iota
	eqlStr
	eqlNum
	eqlBool
	eqlNull
	eqlCall
	eqlParen
	eqlLineage
)

type eqlOperand struct {
	kind     int
	text     string // field path, string value, number, true/false, function name
	args     []eqlOperand
	node     *Node // eqlParen
	pos, end int
}

func (o eqlOperand) literal() bool {
	return o.kind == eqlStr || o.kind == eqlNum || o.kind == eqlBool || o.kind == eqlNull
}

func (o eqlOperand) fieldLike() bool { return o.kind == eqlField || o.kind == eqlCall }

var eqlFlip = map[string]string{"<": ">", ">": "<", "<=": ">=", ">=": "<="}

// term reads a comparison, a membership or pattern test, or an operand
// in boolean position.
func (p *eqlParser) term() (*Node, error) {
	left, err := p.sum()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.Kind == eql.Punct && (t.Text == "==" || t.Text == "=" || t.Text == "!=" || t.Text == "<" || t.Text == "<=" || t.Text == ">" || t.Text == ">="):
		p.next()
		right, err := p.sum()
		if err != nil {
			return nil, err
		}
		return p.compare(left, t, right)
	case p.isKw("not") && p.peekAt(1).Kind == eql.Name && p.peekAt(1).Plain && (p.peekAt(1).Text == "in" || p.peekAt(1).Text == "in~"):
		p.next()
		n, err := p.in(left)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: t.Pos}, nil
	case p.isKw("in", "in~"):
		return p.in(left)
	case t.Kind == eql.Punct && t.Text == ":", p.isKw("like", "like~", "regex", "regex~"):
		return p.predicate(left)
	}
	return p.boolean(left)
}

// fieldOf is the field a test names: a path, or a call as written.
func (p *eqlParser) fieldOf(o eqlOperand, what string) (string, error) {
	switch o.kind {
	case eqlField:
		if eql.IsKeyword(o.text) {
			return "", p.errf(o.pos, "the keyword "+o.text+" where a field is expected")
		}
		return o.text, nil
	case eqlCall:
		return strings.TrimSpace(p.q[o.pos:o.end]), nil
	}
	return "", p.errf(o.pos, what+" needs a field")
}

func (p *eqlParser) compare(left eqlOperand, opTok eql.Token, right eqlOperand) (*Node, error) {
	op := opTok.Text
	if left.literal() && right.fieldLike() {
		left, right = right, left
		if f, ok := eqlFlip[op]; ok {
			op = f
		}
	}
	switch {
	case left.fieldLike() && right.fieldLike():
		return nil, p.errf(left.pos, "a comparison of two fields is not read")
	case left.literal() && right.literal():
		return nil, p.errf(left.pos, "a comparison of two constants is not read")
	case !left.fieldLike() || !right.literal():
		return nil, p.errf(opTok.Pos, "a comparison reads a field and a value")
	}
	field, err := p.fieldOf(left, "a comparison")
	if err != nil {
		return nil, err
	}
	node := &Node{Kind: Cmp, Pos: left.pos, Test: Test{Field: field}}
	eq := op == "==" || op == "="
	switch {
	case right.kind == eqlNull:
		if !eq && op != "!=" {
			return nil, p.errf(opTok.Pos, "null is compared with == or != only")
		}
		// == null: absent; != null: present.
		node.Test.Op = Eq
		if eq {
			node.Test.Op = Ne
		}
		node.Test.Value = Value{Kind: Glob, Text: "*"}
		return node, nil
	case eq:
		node.Test.Op = Eq
	default:
		node.Test.Op = Op(op)
	}
	switch {
	case right.kind == eqlStr && (eq || op == "!="):
		node.Test.Value = eqlWildcard(right.text)
	default:
		node.Test.Value = Value{Kind: Exact, Text: right.text}
	}
	return node, nil
}

// eqlWildcard is Endgame's wildcard pattern: * any run, everything else
// itself, ignoring case. A ? is itself there, while a Glob's ? may be a
// wildcard: a pattern with one is an anchored Regex.
func eqlWildcard(s string) Value {
	if !strings.Contains(s, "?") {
		return Value{Kind: Glob, Text: s, Fold: true}
	}
	parts := strings.Split(s, "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	return Value{Kind: Regex, Text: "^" + strings.Join(parts, ".*") + "$", Fold: true}
}

// in reads "in (…)" or "in~ (…)" after a field: an Or of exact values.
func (p *eqlParser) in(left eqlOperand) (*Node, error) {
	p.next() // in
	field, err := p.fieldOf(left, "in")
	if err != nil {
		return nil, err
	}
	items, err := p.list()
	if err != nil {
		return nil, err
	}
	var kids []*Node
	for _, it := range items {
		switch it.kind {
		case eqlStr:
			kids = append(kids, &Node{Kind: Cmp, Pos: it.pos, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Exact, Text: it.text, Fold: true}}})
		case eqlNum, eqlBool:
			kids = append(kids, &Node{Kind: Cmp, Pos: it.pos, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Exact, Text: it.text}}})
		default:
			return nil, p.errf(it.pos, "only strings and numbers are read in an in list")
		}
	}
	return eqlOrOf(kids, left.pos), nil
}

// list reads "( item, item, … )".
func (p *eqlParser) list() ([]eqlOperand, error) {
	open, err := p.expect("(", "a ( list")
	if err != nil {
		return nil, err
	}
	var items []eqlOperand
	for {
		if p.isPunct(")") && len(items) > 0 {
			p.next()
			return items, nil
		}
		if p.peek().Kind == eql.EOF {
			return nil, p.errf(open.Pos, "unbalanced (")
		}
		it, err := p.sum()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		if p.isPunct(",") {
			p.next()
			continue
		}
		if !p.isPunct(")") {
			if p.peek().Kind == eql.EOF {
				return nil, p.errf(open.Pos, "unbalanced (")
			}
			return nil, p.unexpected(", or ) in a list")
		}
	}
}

// predicate reads Elasticsearch's ":", like, like~, regex, regex~ with
// a value or a list.
func (p *eqlParser) predicate(left eqlOperand) (*Node, error) {
	opTok := p.next()
	field, err := p.fieldOf(left, opTok.Text)
	if err != nil {
		return nil, err
	}
	var items []eqlOperand
	if p.isPunct("(") {
		if items, err = p.list(); err != nil {
			return nil, err
		}
	} else {
		it, err := p.sum()
		if err != nil {
			return nil, err
		}
		items = []eqlOperand{it}
	}
	var kids []*Node
	for _, it := range items {
		if it.kind != eqlStr {
			return nil, p.errf(it.pos, opTok.Text+" takes strings")
		}
		var vs []Value
		switch opTok.Text {
		case ":", "like~":
			vs = []Value{{Kind: Glob, Text: it.text, Fold: true}}
		case "like":
			vs = []Value{{Kind: Glob, Text: it.text}}
		default: // regex, regex~: the whole value, as DNIF's regex()
			if err := eqlCheckRE(it.text, it.pos); err != nil {
				return nil, err
			}
			for _, alt := range dnifWholeAlternatives(it.text) {
				if err := eqlCheckRE(alt, it.pos); err != nil {
					return nil, err
				}
				vs = append(vs, Value{Kind: Regex, Text: alt, Fold: opTok.Text == "regex~"})
			}
		}
		for _, v := range vs {
			kids = append(kids, &Node{Kind: Cmp, Pos: left.pos, Test: Test{Field: field, Op: Eq, Value: v}})
		}
	}
	return eqlOrOf(kids, left.pos), nil
}

func eqlCheckRE(re string, pos int) error {
	if _, err := syntax.Parse(re, syntax.Perl); err != nil {
		return &Error{Pos: pos, Msg: "the regular expression is not read as RE2: " + err.Error()}
	}
	return nil
}

func eqlOrOf(kids []*Node, pos int) *Node {
	if len(kids) == 1 {
		return kids[0]
	}
	return &Node{Kind: Or, Kids: kids, Pos: pos}
}

// boolean reads an operand standing as a condition.
func (p *eqlParser) boolean(o eqlOperand) (*Node, error) {
	switch o.kind {
	case eqlField:
		if eql.IsKeyword(o.text) {
			return nil, p.errf(o.pos, "unexpected keyword "+o.text)
		}
		return &Node{Kind: Cmp, Pos: o.pos, Test: Test{Field: o.text, Op: Flag}}, nil
	case eqlParen:
		return o.node, nil
	case eqlLineage:
		p.unread(o.pos, o.end)
		return nil, nil
	case eqlBool:
		if o.text == "true" {
			return nil, nil
		}
		return nil, p.errf(o.pos, "a condition that is always false is not read")
	case eqlCall:
		return p.function(o)
	}
	return nil, p.errf(o.pos, "a value where a condition is expected")
}

// function reads a function standing as a condition.
func (p *eqlParser) function(o eqlOperand) (*Node, error) {
	name := strings.ToLower(strings.TrimSuffix(o.text, "~"))
	switch name {
	case "wildcard", "match", "matchlite", "startswith", "endswith", "stringcontains", "cidrmatch":
	default:
		return nil, p.errf(o.pos, "the function "+o.text+" is not read")
	}
	if len(o.args) < 2 {
		return nil, p.errf(o.pos, o.text+" takes a field and a value")
	}
	field, err := p.fieldOf(o.args[0], o.text)
	if err != nil {
		return nil, err
	}
	if o.args[0].kind != eqlField {
		return nil, p.errf(o.args[0].pos, o.text+" is read on a field only")
	}
	single := name == "startswith" || name == "endswith" || name == "stringcontains"
	if single && len(o.args) != 2 {
		return nil, p.errf(o.pos, o.text+" takes a field and one value")
	}
	var kids []*Node
	for _, a := range o.args[1:] {
		if a.kind != eqlStr {
			return nil, p.errf(a.pos, o.text+" is read with string values only")
		}
		s := a.text
		var v Value
		switch name {
		case "wildcard":
			v = eqlWildcard(s)
		case "match", "matchlite":
			if err := eqlCheckRE(s, a.pos); err != nil {
				return nil, err
			}
			v = Value{Kind: Regex, Text: eqlMatchStart(s), Fold: true}
			if err := eqlCheckRE(v.Text, a.pos); err != nil {
				return nil, err
			}
		case "startswith", "endswith", "stringcontains":
			v = eqlSubstring(name, s)
		case "cidrmatch":
			re, ok := eqlCIDR(s)
			if !ok {
				return nil, p.errf(a.pos, "cidrMatch is read with IPv4 blocks only, not "+strconv.Quote(s))
			}
			v = Value{Kind: Regex, Text: re}
		}
		kids = append(kids, &Node{Kind: Cmp, Pos: o.pos, Test: Test{Field: field, Op: Eq, Value: v}})
	}
	return eqlOrOf(kids, o.pos), nil
}

// eqlMatchStart anchors a pattern at the start, as Python's re.match
// does: ^p, or ^(?:p) when p has a | outside groups.
func eqlMatchStart(re string) string {
	if bars, _ := dnifTopLevel(re); len(bars) > 0 || dnifQuotes(re) {
		return "^(?:" + dnifCloseQuote(re) + ")"
	}
	return "^" + strings.TrimPrefix(re, "^")
}

// eqlSubstring is startsWith, endsWith or stringContains of s, ignoring
// case: a Glob, or a Regex when s holds a * or ?, which these functions
// read literally.
func eqlSubstring(name, s string) Value {
	if !strings.ContainsAny(s, "*?") {
		switch name {
		case "startswith":
			return Value{Kind: Glob, Text: s + "*", Fold: true}
		case "endswith":
			return Value{Kind: Glob, Text: "*" + s, Fold: true}
		}
		return Value{Kind: Glob, Text: "*" + s + "*", Fold: true}
	}
	re := regexp.QuoteMeta(s)
	switch name {
	case "startswith":
		re = "^" + re
	case "endswith":
		re += "$"
	}
	return Value{Kind: Regex, Text: re, Fold: true}
}

// eqlCIDR writes an IPv4 block as an anchored expression over dotted
// addresses.
func eqlCIDR(s string) (string, bool) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil {
			return "", false
		}
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	if !pfx.Addr().Is4() {
		return "", false
	}
	pfx = pfx.Masked()
	a := pfx.Addr().As4()
	parts := make([]string, 4)
	for k := range parts {
		m := min(max(pfx.Bits()-8*k, 0), 8)
		lo := int(a[k])
		hi := lo | 0xFF>>m
		switch {
		case lo == hi:
			parts[k] = strconv.Itoa(lo)
		case lo == 0 && hi == 255:
			parts[k] = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
		default:
			var alts []string
			for n := lo; n <= hi; n++ {
				alts = append(alts, strconv.Itoa(n))
			}
			parts[k] = "(?:" + strings.Join(alts, "|") + ")"
		}
	}
	return "^" + strings.Join(parts, `\.`) + "$", true
}

// sum reads an operand; arithmetic is not read.
func (p *eqlParser) sum() (eqlOperand, error) {
	o, err := p.operand()
	if err != nil {
		return o, err
	}
	if t := p.peek(); t.Kind == eql.Punct && strings.Contains("+-*/%", t.Text) && len(t.Text) == 1 {
		return o, p.errf(t.Pos, "arithmetic is not read")
	}
	return o, nil
}

// operand reads a literal, a field, a function call, a parenthesised
// condition or a lineage test, then any method calls on it.
func (p *eqlParser) operand() (eqlOperand, error) {
	t := p.peek()
	var o eqlOperand
	switch {
	case t.Kind == eql.String:
		p.next()
		o = eqlOperand{kind: eqlStr, text: t.Text, pos: t.Pos, end: t.End}
	case t.Kind == eql.Number:
		p.next()
		o = eqlOperand{kind: eqlNum, text: t.Text, pos: t.Pos, end: t.End}
	case t.Kind == eql.Punct && (t.Text == "-" || t.Text == "+") && p.peekAt(1).Kind == eql.Number && p.peekAt(1).Pos == t.End:
		p.next()
		n := p.next()
		text := n.Text
		if t.Text == "-" {
			text = "-" + text
		}
		o = eqlOperand{kind: eqlNum, text: text, pos: t.Pos, end: n.End}
	case t.Kind == eql.Punct && t.Text == "(":
		p.next()
		n, err := p.expr()
		if err != nil {
			return o, err
		}
		if !p.isPunct(")") {
			if p.peek().Kind == eql.EOF {
				return o, p.errf(t.Pos, "unbalanced (")
			}
			return o, p.unexpectedEnd(") expected")
		}
		c := p.next()
		o = eqlOperand{kind: eqlParen, node: n, pos: t.Pos, end: c.End}
	case t.Kind == eql.Name && t.Plain && (t.Text == "true" || t.Text == "false"):
		p.next()
		o = eqlOperand{kind: eqlBool, text: t.Text, pos: t.Pos, end: t.End}
	case t.Kind == eql.Name && t.Plain && t.Text == "null":
		p.next()
		o = eqlOperand{kind: eqlNull, text: t.Text, pos: t.Pos, end: t.End}
	case t.Kind == eql.Name && t.Plain && !eql.IsKeyword(t.Text) && p.peekAt(1).Kind == eql.Punct && p.peekAt(1).Text == "(":
		p.next()
		args, end, err := p.args(p.next())
		if err != nil {
			return o, err
		}
		o = eqlOperand{kind: eqlCall, text: t.Text, args: args, pos: t.Pos, end: end}
	case t.Kind == eql.Name && t.Plain && !eql.IsKeyword(t.Text) && p.peekAt(1).Kind == eql.Name && p.peekAt(1).Plain && p.peekAt(1).Text == "of":
		// descendant of [ … ], child of, event of
		p.next()
		p.next()
		if !p.isPunct("[") {
			return o, p.unexpected("a [subquery] after of")
		}
		mark := len(p.query.Unread)
		if _, _, err := p.subquery(); err != nil {
			return o, err
		}
		p.query.Unread = p.query.Unread[:mark]
		o = eqlOperand{kind: eqlLineage, text: t.Text, pos: t.Pos, end: p.prevEnd()}
	case t.Kind == eql.Name && !(t.Plain && eql.IsKeyword(t.Text)) && !strings.HasSuffix(t.Text, "~"):
		p.next()
		o = eqlOperand{kind: eqlField, text: t.Text, pos: t.Pos, end: t.End}
	default:
		return o, p.unexpected("a field, a value or a condition expected")
	}
	for p.peek().Kind == eql.Method {
		m := p.next()
		args, end, err := p.args(m)
		if err != nil {
			return o, err
		}
		o = eqlOperand{kind: eqlCall, text: m.Text, args: append([]eqlOperand{o}, args...), pos: o.pos, end: end}
	}
	return o, nil
}

// args reads a call's arguments up to its ); open is the token that
// opened it.
func (p *eqlParser) args(open eql.Token) ([]eqlOperand, int, error) {
	var args []eqlOperand
	for {
		if p.isPunct(")") {
			return args, p.next().End, nil
		}
		if p.peek().Kind == eql.EOF {
			return nil, 0, p.errf(open.Pos, "unbalanced (")
		}
		p.depth++
		if p.depth > eqlMaxDepth {
			return nil, 0, p.errf(p.peek().Pos, "the condition nests too deep")
		}
		a, err := p.sum()
		p.depth--
		if err != nil {
			return nil, 0, err
		}
		args = append(args, a)
		if p.isPunct(",") {
			p.next()
			continue
		}
		if !p.isPunct(")") {
			if p.peek().Kind == eql.EOF {
				return nil, 0, p.errf(open.Pos, "unbalanced (")
			}
			return nil, 0, p.unexpected(", or ) in a call")
		}
	}
}

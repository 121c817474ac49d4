package drift

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/lang/dnif"
)

// ReadDNIF reads a query in DNIF's legacy query language, the form CAR's
// DNIF implementations and cartrans' DNIF backend write:
//
//	_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1
//	  AND $App=regex(.*cmd\.exe.*)i NOT $ParentProcess=regex(.*explorer\.exe.*)i as #A limit 100
//	>>_checkif int_compare count_unique > 1 include
//
// The condition of every _fetch is read: the where clause is a chain of
// terms joined by AND and by NOT, a binary "and not" (DNIF "_fetch",
// Syntax: "[$Stream=value] [AND | NOT] field2=value"); it has no OR and no
// parentheses, and a query that writes them is refused. Several fetches
// are ANDed into Query.Where, as the sides of a join are (CAR-2013-03-001
// pairs them with _checkif sjoin); note that DNIF itself unites the
// results of several fetches (DNIF "_fetch", Labelling), which is what
// they mean when no _checkif relates them, as in cartrans' fetch per
// alternative of an or across fields. Everything else is left unread,
// as written, one entry per clause or query function: a fetch's group,
// as #label and limit/first/last clauses, its field list and source when
// they are not "* from event", the time-range terms $Duration,
// $StartTime and $EndTime, and every other query function (_checkif,
// _agg, _store, …).
//
// A term is $Field or @raw.field (DNIF "Schema on Read"), written with
// its sigil, then =, !=, <, <=, >, >= or IN [v, …], then a value:
//
//   - a bare word, $App=at.exe: an exact value, compared case-sensitively
//     (DNIF "_fetch", Where Clause: "The search is case-sensitive.
//     FIREWALL is not the same as firewall." — DNIF-Documentation/DNIF
//     fetch.md). Only = and IN are documented in _fetch; the other
//     operators are read in case a query uses them, also as exact values.
//   - a quoted string, '…' or "…" (not in CAR; the quoting of DNIF's
//     other query functions), exact and case-sensitive too.
//   - regex(RE) or regex(RE)i: a regular expression, ignoring case with
//     the trailing i, read as lang/dnif reads it (ScanRegex: the argument
//     runs to the parenthesis that balances the opening one, and \, is a
//     comma; every other escape is the regular expression's own). DNIF
//     matches regex() against the whole value (docs/design/dnif.md §2:
//     CAR's $App=regex(arp\.exe|at\.exe|…)i has no .* because $App holds
//     a base name; the docs' example puts .* in front of each
//     alternative). So the expression is read as the alternatives it
//     holds, an Or of tests each anchored ^…$, its own anchors and
//     enclosing groups dropped: regex(arp\.exe|at\.exe)i is
//     ^arp\.exe$ or ^at\.exe$, regex(.*cmd\.exe.*)i is ^.*cmd\.exe.*$.
func ReadDNIF(q string) (*Query, error) {
	if !utf8.ValidString(q) {
		return nil, &Error{Pos: dnifBadUTF8(q), Msg: "the query is not UTF-8"}
	}
	r := &dnifReader{q: q, query: &Query{}}
	if err := r.read(); err != nil {
		return nil, err
	}
	return r.query, nil
}

type dnifReader struct {
	q     string
	i     int
	query *Query
}

func (r *dnifReader) errf(pos int, msg string) error { return &Error{Pos: pos, Msg: msg} }

func (r *dnifReader) read() error {
	r.space()
	if r.i == len(r.q) {
		return r.errf(0, "empty query")
	}
	var conds []*Node
	for {
		r.space()
		start := r.i
		switch {
		case r.i == len(r.q) || r.atPipe():
			return r.errf(start, "a query function (_fetch, _checkif, …) expected")
		case r.keyword("_fetch"):
			n, err := r.fetch(start)
			if err != nil {
				return err
			}
			conds = append(conds, n)
		case r.q[r.i] == '_':
			end, err := r.stageEnd()
			if err != nil {
				return err
			}
			r.unread(start, end)
			r.i = end
		default:
			return r.errf(start, "a query function (_fetch, _checkif, …) expected, not "+dnifQuoteWord(r.q[start:]))
		}
		if r.i == len(r.q) {
			break
		}
		r.i += 2 // >>
	}
	r.query.Where = and(conds...)
	return nil
}

// unread keeps q[from:to] as a part not compared.
func (r *dnifReader) unread(from, to int) {
	if s := strings.TrimSpace(r.q[from:to]); s != "" {
		r.query.Unread = append(r.query.Unread, s)
	}
}

func (r *dnifReader) space() {
	for r.i < len(r.q) && dnif.IsSpace(r.q[r.i]) {
		r.i++
	}
}

// atPipe reports the ">>" that joins query functions.
func (r *dnifReader) atPipe() bool { return strings.HasPrefix(r.q[r.i:], dnif.Pipe) }

// boundary reports whether a word may end at j (dnif.Boundary).
func (r *dnifReader) boundary(j int) bool { return dnif.Boundary(r.q, j) }

// keyword consumes the word w (in any case) when it comes next, whole.
func (r *dnifReader) keyword(w string) bool {
	if len(r.q)-r.i < len(w) || !strings.EqualFold(r.q[r.i:r.i+len(w)], w) || !r.boundary(r.i+len(w)) {
		return false
	}
	r.i += len(w)
	return true
}

// peekKeyword reports whether one of the words comes next, whole.
func (r *dnifReader) peekKeyword(ws ...string) bool {
	save := r.i
	defer func() { r.i = save }()
	for _, w := range ws {
		if r.keyword(w) {
			return true
		}
	}
	return false
}

// word reads the run of characters up to a space or >>.
func (r *dnifReader) word() string {
	start := r.i
	for !r.boundary(r.i) {
		r.i++
	}
	return r.q[start:r.i]
}

// stageEnd is where the query function at r.i ends: at the next >> that is
// not inside quotes, or at the end.
func (r *dnifReader) stageEnd() (int, error) {
	for j := r.i; j < len(r.q); j++ {
		switch c := r.q[j]; {
		case c == '\'' || c == '"':
			k := strings.IndexByte(r.q[j+1:], c)
			if k < 0 {
				return 0, r.errf(j, "unterminated string")
			}
			j += k + 1
		case strings.HasPrefix(r.q[j:], dnif.Pipe):
			return j, nil
		}
	}
	return len(r.q), nil
}

// fetch reads "_fetch <fields> from <source> [where …] [group …] [as #L]
// [limit|first|last N]"; r.i is past "_fetch".
func (r *dnifReader) fetch(start int) (*Node, error) {
	var fields []string
	for {
		r.space()
		if r.i == len(r.q) || r.atPipe() {
			return nil, r.errf(start, "_fetch without from")
		}
		if r.keyword("from") {
			break
		}
		fields = append(fields, r.word())
	}
	r.space()
	srcPos := r.i
	src := r.word()
	if src == "" {
		return nil, r.errf(srcPos, "a source after from")
	}
	if strings.Join(fields, " ") != "*" || src != "event" {
		r.unread(start, r.i)
	}
	var cond *Node
	r.space()
	if r.keyword("where") {
		n, err := r.where()
		if err != nil {
			return nil, err
		}
		cond = n
	}
	for {
		r.space()
		if r.i == len(r.q) || r.atPipe() {
			return cond, nil
		}
		cs := r.i
		switch {
		case r.keyword("group"):
			// group count_unique $a, $b | count | sum $f | timeslice 1h …
			for {
				r.space()
				if r.i == len(r.q) || r.atPipe() || r.peekKeyword(dnif.Clauses[1:]...) {
					break
				}
				r.word()
			}
		case r.keyword("as"):
			r.space()
			if r.word() == "" {
				return nil, r.errf(cs, "a label after as")
			}
		case r.keyword("limit"), r.keyword("first"), r.keyword("last"):
			kw := r.q[cs:r.i]
			r.space()
			n := r.word()
			if n == "" || strings.Trim(n, "0123456789") != "" {
				return nil, r.errf(cs, "a number after "+kw)
			}
		case r.peekKeyword("where"):
			return nil, r.errf(cs, "a second where in one _fetch")
		default:
			return nil, r.errf(cs, "unexpected "+dnifQuoteWord(r.q[cs:])+" in _fetch (group, as, limit, first or last expected)")
		}
		r.unread(cs, r.i)
	}
}

// where reads the chain of terms: term ((AND | NOT) term)*, a leading NOT
// negating the first term.
func (r *dnifReader) where() (*Node, error) {
	var terms []*Node
	first := true
	for {
		r.space()
		if r.i == len(r.q) || r.atPipe() || r.peekKeyword(dnif.Clauses...) {
			break
		}
		pos := r.i
		neg := false
		switch {
		case r.keyword(dnif.And):
			if first {
				return nil, r.errf(pos, "AND before the first term")
			}
		case r.keyword(dnif.Not):
			neg = true
		case r.peekKeyword(dnif.Or):
			return nil, r.errf(pos, "DNIF's _fetch where clause has no OR (alternatives on one field are one regex())")
		case !first:
			return nil, r.errf(pos, "AND or NOT expected between terms, not "+dnifQuoteWord(r.q[pos:]))
		}
		r.space()
		if !neg && r.keyword(dnif.Not) { // "AND NOT" is read as NOT
			neg = true
			r.space()
		}
		termPos := r.i
		n, err := r.term()
		if err != nil {
			return nil, err
		}
		first = false
		if n == nil { // a time-range term
			if neg {
				termPos = pos
			}
			r.unread(termPos, r.i)
			continue
		}
		if neg {
			n = &Node{Kind: Not, Kids: []*Node{n}, Pos: pos}
		}
		terms = append(terms, n)
	}
	if first {
		return nil, r.errf(r.i, "where without a condition")
	}
	return and(terms...), nil
}

// term reads one comparison; nil for a time-range term.
func (r *dnifReader) term() (*Node, error) {
	pos := r.i
	if r.i == len(r.q) || r.atPipe() {
		return nil, r.errf(pos, "a term expected after AND or NOT")
	}
	c := r.q[r.i]
	if c == '(' || c == ')' {
		return nil, r.errf(pos, "DNIF's _fetch where clause has no parentheses")
	}
	if c != '$' && c != '@' {
		return nil, r.errf(pos, "a field ($Name or @name) expected, not "+dnifQuoteWord(r.q[pos:]))
	}
	j := dnif.FieldEnd(r.q, r.i)
	if j == r.i+1 {
		return nil, r.errf(pos, "a field name after "+string(c))
	}
	field := r.q[r.i:j]
	r.i = j
	r.space()
	opPos := r.i
	op := Op(dnif.OpAt(r.q, r.i))
	switch {
	case r.atPipe():
		return nil, r.errf(opPos, "a comparison after "+field)
	case op != "":
	case r.keyword(dnif.In):
		return r.in(field, pos)
	default:
		return nil, r.errf(opPos, "a comparison (=, IN) after "+field)
	}
	r.i += len(op)
	if op == "==" {
		op = Eq
	}
	r.space()
	valPos := r.i
	var val Value
	var alts []Value // regex(): its alternatives
	switch {
	case r.i == len(r.q) || r.atPipe():
		return nil, r.errf(valPos, "a value after "+field+string(op))
	case (op == Eq || op == Ne) && dnif.IsRegexAt(r.q, r.i):
		vs, err := r.regex()
		if err != nil {
			return nil, err
		}
		val, alts = vs[0], vs
	case r.q[r.i] == '\'' || r.q[r.i] == '"':
		s, err := r.quoted()
		if err != nil {
			return nil, err
		}
		val = Value{Kind: Exact, Text: s}
	default:
		w := r.word()
		if valPos > opPos+len(op) && dnif.IsReserved(w) {
			return nil, r.errf(opPos, "a value after "+field+string(op))
		}
		if strings.ContainsAny(w, "()") {
			return nil, r.errf(valPos+strings.IndexAny(w, "()"), "DNIF's _fetch where clause has no parentheses (a value with one is written in regex())")
		}
		val = Value{Kind: Exact, Text: w}
	}
	if !r.boundary(r.i) {
		return nil, r.errf(r.i, "unexpected "+dnifQuoteWord(r.q[r.i:])+" after the value of "+field)
	}
	if dnif.IsTimeField(field) {
		return nil, nil
	}
	if len(alts) > 1 {
		n := &Node{Kind: Or, Pos: pos}
		for _, v := range alts {
			n.Kids = append(n.Kids, &Node{Kind: Cmp, Test: Test{Field: field, Op: Eq, Value: v}, Pos: pos})
		}
		if op == Ne {
			return &Node{Kind: Not, Kids: []*Node{n}, Pos: pos}, nil
		}
		return n, nil
	}
	return &Node{Kind: Cmp, Test: Test{Field: field, Op: op, Value: val}, Pos: pos}, nil
}

// in reads "IN [v, v, …]" (DNIF "_fetch", IN Operator) as an OR of exact
// values.
func (r *dnifReader) in(field string, pos int) (*Node, error) {
	r.space()
	if r.i == len(r.q) || r.q[r.i] != '[' {
		return nil, r.errf(r.i, "IN takes a list in [ ]")
	}
	open := r.i
	r.i++
	var kids []*Node
	for {
		r.space()
		if r.i == len(r.q) {
			return nil, r.errf(open, "unterminated IN list")
		}
		vpos := r.i
		var s string
		if c := r.q[r.i]; c == '\'' || c == '"' {
			v, err := r.quoted()
			if err != nil {
				return nil, err
			}
			s = v
		} else {
			for r.i < len(r.q) && r.q[r.i] != ',' && r.q[r.i] != ']' {
				r.i++
			}
			s = strings.TrimSpace(r.q[vpos:r.i])
		}
		r.space()
		if s == "" {
			return nil, r.errf(vpos, "an empty value in the IN list")
		}
		kids = append(kids, &Node{Kind: Cmp, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Exact, Text: s}}, Pos: vpos})
		if r.i == len(r.q) {
			return nil, r.errf(open, "unterminated IN list")
		}
		c := r.q[r.i]
		r.i++
		if c == ']' {
			break
		}
		if c != ',' {
			return nil, r.errf(r.i-1, "a comma or ] expected in the IN list")
		}
	}
	if !r.boundary(r.i) {
		return nil, r.errf(r.i, "unexpected text after the IN list")
	}
	if len(kids) == 1 {
		kids[0].Pos = pos
		return kids[0], nil
	}
	return &Node{Kind: Or, Kids: kids, Pos: pos}, nil
}

// quoted reads '…' or "…" (dnif.ScanQuoted: no escapes).
func (r *dnifReader) quoted() (string, error) {
	s, end, err := dnif.ScanQuoted(r.q, r.i)
	if err != nil {
		return "", err
	}
	r.i = end
	return s, nil
}

// regex reads regex(RE) and the flag i after it; r.i is at "regex(". It
// gives the alternatives of the expression, each matching the whole
// value.
func (r *dnifReader) regex() ([]Value, error) {
	open := r.i
	argStart := r.i + len("regex(")
	re, fold, end, err := dnif.ScanRegex(r.q, r.i)
	if err != nil {
		return nil, err
	}
	r.i = end
	if re == "" {
		return nil, r.errf(open, "an empty regex()")
	}
	if _, err := syntax.Parse(re, syntax.Perl); err != nil {
		return nil, r.errf(argStart, "regex() is not read as an RE2 regular expression: "+err.Error())
	}
	var vs []Value
	for _, alt := range dnifWholeAlternatives(re) {
		if _, err := syntax.Parse(alt, syntax.Perl); err != nil {
			return nil, r.errf(argStart, "regex() is not read: "+err.Error())
		}
		vs = append(vs, Value{Kind: Regex, Text: alt, Fold: fold})
	}
	return vs, nil
}

// dnifWholeAlternatives writes a regular expression that must match a
// whole value as the alternatives it holds, each anchored ^…$:
// "arp\.exe|at\.exe" is "^arp\.exe$" or "^at\.exe$", "^(23|26)$" is "^23$"
// or "^26$". Anchors and groups around the whole are dropped, which does
// not change what matches a whole value. An expression with inline flags
// (which reach across |) or \Q…\E is kept whole, as ^(?:RE)$.
func dnifWholeAlternatives(re string) []string {
	whole := []string{"^(?:" + dnifCloseQuote(re) + ")$"}
	if dnifQuotes(re) { // \Q…\E quotes | and parentheses
		return whole
	}
	for i := 0; i+2 < len(re); i++ {
		if re[i] == '(' && re[i+1] == '?' && re[i+2] != ':' {
			return whole
		}
	}
	var out []string
	for _, body := range dnifBodies(re, 0) {
		alt := "^" + body + "$"
		if _, err := syntax.Parse(alt, syntax.Perl); err != nil {
			return whole
		}
		out = append(out, alt)
	}
	return out
}

// dnifQuotes reports a \Q (quoting up to \E) in an expression.
func dnifQuotes(re string) bool {
	for i := 0; i+1 < len(re); i++ {
		if re[i] == '\\' {
			if re[i+1] == 'Q' {
				return true
			}
			i++
		}
	}
	return false
}

// dnifCloseQuote ends with \E a \Q quoting to the end of an
// expression, so that the expression can be put in a group.
func dnifCloseQuote(re string) string {
	quoting := false
	for i := 0; i < len(re); i++ {
		switch {
		case quoting:
			if strings.HasPrefix(re[i:], `\E`) {
				quoting = false
				i++
			}
		case re[i] == '\\' && i+1 < len(re):
			quoting = re[i+1] == 'Q'
			i++
		}
	}
	if quoting {
		return re + `\E`
	}
	return re
}

// dnifBodies splits an expression at its top-level |, and strips each
// alternative's ^, $ and enclosing group.
func dnifBodies(re string, depth int) []string {
	bars, _ := dnifTopLevel(re)
	if len(bars) > 0 && depth >= 16 {
		return []string{"(?:" + re + ")"}
	}
	if len(bars) > 0 {
		var out []string
		from := 0
		for _, b := range append(bars, len(re)) {
			out = append(out, dnifBodies(re[from:b], depth+1)...)
			from = b + 1
		}
		return out
	}
	t := strings.TrimPrefix(re, "^")
	if dnifEndsWithDollar(t) {
		t = t[:len(t)-1]
	}
	if _, closeAt := dnifTopLevel(t); len(t) >= 2 && t[0] == '(' && closeAt == len(t)-1 && depth < 16 {
		switch {
		case strings.HasPrefix(t, "(?:"):
			return dnifBodies(t[3:len(t)-1], depth+1)
		case !strings.HasPrefix(t, "(?"):
			return dnifBodies(t[1:len(t)-1], depth+1)
		}
	}
	return []string{t}
}

// dnifEndsWithDollar reports a final $ that is not escaped.
func dnifEndsWithDollar(s string) bool {
	if !strings.HasSuffix(s, "$") {
		return false
	}
	n := 0
	for i := len(s) - 2; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 0
}

// dnifTopLevel gives the offsets of an expression's | outside groups,
// and, when it starts with (, the offset of the ) that closes it (else
// -1).
func dnifTopLevel(re string) (bars []int, closeAt int) {
	closeAt = -1
	depth := 0
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			i++
		case '[':
			k := i + 1
			if k < len(re) && re[k] == '^' {
				k++
			}
			if k < len(re) && re[k] == ']' {
				k++
			}
			for k < len(re) && re[k] != ']' {
				if re[k] == '\\' {
					k++
				}
				k++
			}
			i = k
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && closeAt < 0 && re[0] == '(' {
				closeAt = i
			}
		case '|':
			if depth == 0 {
				bars = append(bars, i)
			}
		}
	}
	return bars, closeAt
}

// dnifQuoteWord quotes the word at the start of s for a message.
func dnifQuoteWord(s string) string {
	if s == "" {
		return "the end of the query"
	}
	end := len(s)
	for i := 0; i < len(s); i++ {
		if dnif.IsSpace(s[i]) || strings.HasPrefix(s[i:], dnif.Pipe) {
			end = i
			break
		}
	}
	w := []rune(s[:end])
	if len(w) > 40 {
		w = append(w[:40], '…')
	}
	return `"` + string(w) + `"`
}

// dnifBadUTF8 is the offset of the first byte of q that is not UTF-8.
func dnifBadUTF8(q string) int {
	for i, r := range q {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(q[i:]); n == 1 {
				return i
			}
		}
	}
	return len(q)
}

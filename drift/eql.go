package drift

import (
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
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
	toks, err := eqlLex(q)
	if err != nil {
		return nil, err
	}
	p := &eqlParser{q: q, toks: toks, query: &Query{}}
	if err := p.read(); err != nil {
		return nil, err
	}
	return p.query, nil
}

type eqlKind int

const (
	eqlEOF eqlKind = iota
	eqlName
	eqlString
	eqlNumber
	eqlPunct
	eqlMethod // ":name(" — method syntax
)

type eqlToken struct {
	kind eqlKind
	// text: a name's dotted path (unescaped), a string's value, a
	// number as written, a punctuation mark, a method's name.
	text     string
	pos, end int
	// plain: a name written as one bare identifier, so a keyword when it
	// is one.
	plain bool
}

func eqlNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '@'
}

func eqlNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9'
}

func eqlDigit(c byte) bool { return c >= '0' && c <= '9' }

func eqlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// eqlLex cuts a query into tokens.
func eqlLex(q string) ([]eqlToken, error) {
	var out []eqlToken
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case eqlSpace(c):
			i++
		case strings.HasPrefix(q[i:], "//"):
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case strings.HasPrefix(q[i:], "/*"):
			k := strings.Index(q[i+2:], "*/")
			if k < 0 {
				return nil, &Error{Pos: i, Msg: "unterminated /* comment"}
			}
			i += k + 4
		case c == '"' || c == '\'':
			tok, err := eqlLexString(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.end
		case c == '?' && i+1 < len(q) && (q[i+1] == '"' || q[i+1] == '\''):
			tok, err := eqlLexRaw(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.end
		case c == '?' && i+1 < len(q) && (eqlNameStart(q[i+1]) || q[i+1] == '`'):
			// Elasticsearch's optional field: read as the field.
			tok, err := eqlLexName(q, i+1)
			if err != nil {
				return nil, err
			}
			tok.pos = i
			tok.plain = false
			out = append(out, tok)
			i = tok.end
		case eqlNameStart(c) || c == '`':
			tok, err := eqlLexName(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.end
		case eqlDigit(c):
			j := i
			for j < len(q) && eqlDigit(q[j]) {
				j++
			}
			if j+1 < len(q) && q[j] == '.' && eqlDigit(q[j+1]) {
				j++
				for j < len(q) && eqlDigit(q[j]) {
					j++
				}
			}
			if j < len(q) && (q[j] == 'e' || q[j] == 'E') {
				k := j + 1
				if k < len(q) && (q[k] == '+' || q[k] == '-') {
					k++
				}
				if k < len(q) && eqlDigit(q[k]) {
					for k < len(q) && eqlDigit(q[k]) {
						k++
					}
					j = k
				}
			}
			out = append(out, eqlToken{kind: eqlNumber, text: q[i:j], pos: i, end: j})
			i = j
		case c == ':' && i+1 < len(q) && eqlNameStart(q[i+1]):
			j := i + 2
			for j < len(q) && eqlNameChar(q[j]) {
				j++
			}
			if j < len(q) && q[j] == '(' {
				out = append(out, eqlToken{kind: eqlMethod, text: q[i+1 : j], pos: i, end: j + 1})
				i = j + 1
				continue
			}
			out = append(out, eqlToken{kind: eqlPunct, text: ":", pos: i, end: i + 1})
			i++
		default:
			n := 1
			for _, two := range []string{"==", "!=", "<=", ">=", "!["} {
				if strings.HasPrefix(q[i:], two) {
					n = 2
				}
			}
			if n == 1 && !strings.ContainsRune("()[],|.:=<>+-*/%", rune(c)) {
				return nil, &Error{Pos: i, Msg: "unexpected character " + strconv.QuoteRune(eqlRuneAt(q, i))}
			}
			out = append(out, eqlToken{kind: eqlPunct, text: q[i : i+n], pos: i, end: i + n})
			i += n
		}
	}
	return append(out, eqlToken{kind: eqlEOF, pos: len(q), end: len(q)}), nil
}

func eqlRuneAt(q string, i int) rune {
	for _, r := range q[i:] {
		return r
	}
	return 0
}

// eqlLexName reads a name: an identifier or a `escaped` one, then the
// .attribute and [index] parts of a field path (eql.g FIELD: no space
// before the . or the [).
func eqlLexName(q string, i int) (eqlToken, error) {
	start := i
	var parts []string
	plain := true
	part := func() error {
		if i < len(q) && q[i] == '`' {
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(q) || q[j] == '\n' || q[j] == '\r' {
					return &Error{Pos: i, Msg: "unterminated ` name"}
				}
				if q[j] == '`' {
					if j+1 < len(q) && q[j+1] == '`' { // Elasticsearch: `` is a backtick
						b.WriteByte('`')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(q[j])
				j++
			}
			if b.Len() == 0 {
				return &Error{Pos: i, Msg: "an empty ` name"}
			}
			parts = append(parts, b.String())
			plain = false
			i = j + 1
			return nil
		}
		if i >= len(q) || !eqlNameStart(q[i]) {
			return &Error{Pos: i, Msg: "a name expected"}
		}
		j := i + 1
		for j < len(q) && eqlNameChar(q[j]) {
			j++
		}
		parts = append(parts, q[i:j])
		i = j
		return nil
	}
	if err := part(); err != nil {
		return eqlToken{}, err
	}
	// A ~ ends a case-insensitive name: in~, like~, startsWith~(…).
	if plain && i < len(q) && q[i] == '~' {
		i++
		return eqlToken{kind: eqlName, text: q[start:i], pos: start, end: i, plain: true}, nil
	}
	for i < len(q) {
		if q[i] == '.' {
			j := i + 1
			for j < len(q) && eqlSpace(q[j]) {
				j++
			}
			if j >= len(q) || !(eqlNameStart(q[j]) || q[j] == '`') {
				break
			}
			i = j
			if err := part(); err != nil {
				return eqlToken{}, err
			}
			parts[len(parts)-2] += "." + parts[len(parts)-1]
			parts = parts[:len(parts)-1]
			plain = false
			continue
		}
		if q[i] == '[' {
			j := i + 1
			for j < len(q) && eqlSpace(q[j]) {
				j++
			}
			d := j
			for j < len(q) && eqlDigit(q[j]) {
				j++
			}
			if j == d {
				break
			}
			n := q[d:j]
			for j < len(q) && eqlSpace(q[j]) {
				j++
			}
			if j >= len(q) || q[j] != ']' {
				break
			}
			parts[len(parts)-1] += "[" + n + "]"
			plain = false
			i = j + 1
			continue
		}
		break
	}
	return eqlToken{kind: eqlName, text: parts[0], pos: start, end: i, plain: plain}, nil
}

// eqlLexString reads "…", '…' or """…""".
func eqlLexString(q string, i int) (eqlToken, error) {
	if strings.HasPrefix(q[i:], `"""`) {
		k := strings.Index(q[i+3:], `"""`)
		if k < 0 {
			return eqlToken{}, &Error{Pos: i, Msg: "unterminated string"}
		}
		end := i + 3 + k + 3
		text := q[i+3 : i+3+k]
		// eql.g RAW_TQ_STRING: up to two more quotes belong to the text.
		for n := 0; n < 2 && end < len(q) && q[end] == '"'; n++ {
			text += `"`
			end++
		}
		return eqlToken{kind: eqlString, text: text, pos: i, end: end}, nil
	}
	quote := q[i]
	var b strings.Builder
	j := i + 1
	for {
		if j >= len(q) || q[j] == '\n' || q[j] == '\r' {
			return eqlToken{}, &Error{Pos: i, Msg: "unterminated string"}
		}
		c := q[j]
		if c == quote {
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			j++
			continue
		}
		if j+1 >= len(q) {
			return eqlToken{}, &Error{Pos: i, Msg: "unterminated string"}
		}
		switch e := q[j+1]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\'', '\\':
			b.WriteByte(e)
		case 'u':
			// Elasticsearch: \u{XX} to \u{XXXXXXXX}.
			k := strings.IndexByte(q[j:], '}')
			if j+2 >= len(q) || q[j+2] != '{' || k < 0 {
				return eqlToken{}, &Error{Pos: j, Msg: `\u takes {hex digits}`}
			}
			hex := q[j+3 : j+k]
			n, err := strconv.ParseUint(hex, 16, 32)
			if err != nil || len(hex) < 2 || len(hex) > 8 || n > 0x10FFFF {
				return eqlToken{}, &Error{Pos: j, Msg: `\u{…} takes 2 to 8 hex digits of a code point`}
			}
			b.WriteRune(rune(n))
			j += k + 1
			continue
		default:
			return eqlToken{}, &Error{Pos: j, Msg: `unknown escape \` + string(eqlRuneAt(q, j+1)) + ` in a string (a backslash is \\)`}
		}
		j += 2
	}
	return eqlToken{kind: eqlString, text: b.String(), pos: i, end: j + 1}, nil
}

// eqlLexRaw reads ?"…" or ?'…': nothing is escaped but the quote. As
// eql.g's RAW_DQ_STRING /\?"(\\\"|[^"\r\n])*"/ matches, the string ends at
// the first quote not after a backslash, or, when there is none on the
// line, at the last quote after one.
func eqlLexRaw(q string, i int) (eqlToken, error) {
	quote := q[i+1]
	closeAt := -1
	for j := i + 2; j < len(q) && q[j] != '\n' && q[j] != '\r'; j++ {
		if q[j] != quote {
			continue
		}
		if q[j-1] == '\\' && j-1 >= i+2 {
			closeAt = j // a candidate, if no bare quote follows
			continue
		}
		closeAt = j
		break
	}
	if closeAt < 0 {
		return eqlToken{}, &Error{Pos: i, Msg: "unterminated string"}
	}
	text := strings.ReplaceAll(q[i+2:closeAt], `\`+string(quote), string(quote))
	return eqlToken{kind: eqlString, text: text, pos: i, end: closeAt + 1}, nil
}

type eqlParser struct {
	q     string
	toks  []eqlToken
	i     int
	query *Query
	depth int
}

func (p *eqlParser) peek() eqlToken { return p.toks[p.i] }

func (p *eqlParser) peekAt(n int) eqlToken {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *eqlParser) next() eqlToken {
	t := p.toks[p.i]
	if t.kind != eqlEOF {
		p.i++
	}
	return t
}

// prevEnd is where the last token read ends.
func (p *eqlParser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

// isKw reports the keyword w next.
func (p *eqlParser) isKw(ws ...string) bool {
	t := p.peek()
	if t.kind != eqlName || !t.plain {
		return false
	}
	for _, w := range ws {
		if t.text == w {
			return true
		}
	}
	return false
}

func (p *eqlParser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == eqlPunct && t.text == s
}

func (p *eqlParser) errf(pos int, msg string) error { return &Error{Pos: pos, Msg: msg} }

func (p *eqlParser) unexpected(what string) error {
	t := p.peek()
	msg := "unexpected " + eqlDescribe(t)
	if what != "" {
		msg += ": " + what
	}
	return p.errf(t.pos, msg)
}

// unexpectedEnd reports a token where a condition should end, with a
// hint when it could begin another term.
func (p *eqlParser) unexpectedEnd(what string) error {
	t := p.peek()
	if t.kind == eqlString || t.kind == eqlNumber || t.kind == eqlName && !(t.plain && eqlKeywords[t.text]) || t.kind == eqlPunct && t.text == "(" {
		what += " (a missing and or or?)"
	}
	return p.unexpected(what)
}

func eqlDescribe(t eqlToken) string {
	switch t.kind {
	case eqlEOF:
		return "end of query"
	case eqlString:
		return "string " + strconv.Quote(t.text)
	case eqlMethod:
		return `":` + t.text + `("`
	}
	return `"` + t.text + `"`
}

func (p *eqlParser) expect(punct, what string) (eqlToken, error) {
	if !p.isPunct(punct) {
		return eqlToken{}, p.unexpected(what)
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

// eqlKeywords cannot be field names (Endgame's and Elasticsearch's
// reserved words; true, false and null are literals).
var eqlKeywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "in~": true, "by": true, "with": true, "where": true,
	"sequence": true, "join": true, "sample": true, "until": true, "of": true, "const": true, "macro": true,
	"like": true, "like~": true, "regex": true, "regex~": true,
}

func (p *eqlParser) read() error {
	if p.peek().kind == eqlEOF {
		return p.errf(0, "empty query")
	}
	if p.isKw("macro", "const") {
		return p.errf(p.peek().pos, "macro and const definitions are not read")
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
		if name.kind != eqlName || !name.plain {
			return p.unexpected("a pipe name after |")
		}
		p.next()
		if name.text == "filter" && !grouped {
			n, err := p.expr()
			if err != nil {
				return err
			}
			if !p.isPunct("|") && p.peek().kind != eqlEOF {
				return p.unexpectedEnd("the filter's condition ends here")
			}
			conds = append(conds, n)
			continue
		}
		if name.text == "count" || name.text == "unique_count" {
			grouped = true
		}
		depth := 0
		for {
			t := p.peek()
			if t.kind == eqlEOF || depth == 0 && t.kind == eqlPunct && t.text == "|" {
				break
			}
			if t.kind == eqlPunct || t.kind == eqlMethod {
				switch t.text {
				case "(", "[", "![":
					depth++
				case ")", "]":
					depth--
				}
				if t.kind == eqlMethod {
					depth++
				}
			}
			p.next()
		}
		p.unread(bar.pos, p.prevEnd())
	}
	if p.peek().kind != eqlEOF {
		return p.unexpectedEnd("the query ends here")
	}
	p.query.Where = and(conds...)
	return nil
}

// eventQuery reads "[category where] condition".
func (p *eqlParser) eventQuery() (string, *Node, error) {
	t := p.peek()
	cat := "any"
	if (t.kind == eqlName && t.plain && !eqlKeywords[t.text]) || t.kind == eqlString {
		if w := p.peekAt(1); w.kind == eqlName && w.plain && w.text == "where" {
			cat = t.text
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
	p.unread(head.pos, p.prevEnd())
	var conds []*Node
	for p.isPunct("[") || p.isPunct("![") {
		open := p.peek()
		missing := open.text == "!["
		mark := len(p.query.Unread)
		cat, cond, err := p.subquery()
		if err != nil {
			return nil, err
		}
		if missing {
			p.query.Unread = p.query.Unread[:mark]
		}
		modStart := p.peek().pos
		if err := p.termParams(); err != nil {
			return nil, err
		}
		if missing {
			p.unread(open.pos, p.prevEnd())
			continue
		}
		p.unread(modStart, p.prevEnd())
		p.query.Categories = append(p.query.Categories, cat)
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return nil, p.unexpected("a [subquery] after " + head.text)
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
		p.unread(start.pos, p.prevEnd())
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
		if p.peek().kind == eqlEOF {
			return "", nil, p.errf(open.pos, "unbalanced [")
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
	if _, err := p.expect("=", "= after "+name.text); err != nil {
		return err
	}
	if p.peek().kind != eqlNumber {
		return p.unexpected("a number after " + name.text + "=")
	}
	p.next()
	if name.text == "maxspan" && p.isKw("ms", "s", "m", "h", "d") {
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
		return nil, p.errf(p.peek().pos, "the condition nests too deep")
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
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: t.pos}, nil
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
	case t.kind == eqlPunct && (t.text == "==" || t.text == "=" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		p.next()
		right, err := p.sum()
		if err != nil {
			return nil, err
		}
		return p.compare(left, t, right)
	case p.isKw("not") && p.peekAt(1).kind == eqlName && p.peekAt(1).plain && (p.peekAt(1).text == "in" || p.peekAt(1).text == "in~"):
		p.next()
		n, err := p.in(left)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: t.pos}, nil
	case p.isKw("in", "in~"):
		return p.in(left)
	case t.kind == eqlPunct && t.text == ":", p.isKw("like", "like~", "regex", "regex~"):
		return p.predicate(left)
	}
	return p.boolean(left)
}

// fieldOf is the field a test names: a path, or a call as written.
func (p *eqlParser) fieldOf(o eqlOperand, what string) (string, error) {
	switch o.kind {
	case eqlField:
		if eqlKeywords[o.text] {
			return "", p.errf(o.pos, "the keyword "+o.text+" where a field is expected")
		}
		return o.text, nil
	case eqlCall:
		return strings.TrimSpace(p.q[o.pos:o.end]), nil
	}
	return "", p.errf(o.pos, what+" needs a field")
}

func (p *eqlParser) compare(left eqlOperand, opTok eqlToken, right eqlOperand) (*Node, error) {
	op := opTok.text
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
		return nil, p.errf(opTok.pos, "a comparison reads a field and a value")
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
			return nil, p.errf(opTok.pos, "null is compared with == or != only")
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
		if p.peek().kind == eqlEOF {
			return nil, p.errf(open.pos, "unbalanced (")
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
			if p.peek().kind == eqlEOF {
				return nil, p.errf(open.pos, "unbalanced (")
			}
			return nil, p.unexpected(", or ) in a list")
		}
	}
}

// predicate reads Elasticsearch's ":", like, like~, regex, regex~ with
// a value or a list.
func (p *eqlParser) predicate(left eqlOperand) (*Node, error) {
	opTok := p.next()
	field, err := p.fieldOf(left, opTok.text)
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
			return nil, p.errf(it.pos, opTok.text+" takes strings")
		}
		var vs []Value
		switch opTok.text {
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
				vs = append(vs, Value{Kind: Regex, Text: alt, Fold: opTok.text == "regex~"})
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
		if eqlKeywords[o.text] {
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
	if t := p.peek(); t.kind == eqlPunct && strings.Contains("+-*/%", t.text) && len(t.text) == 1 {
		return o, p.errf(t.pos, "arithmetic is not read")
	}
	return o, nil
}

// operand reads a literal, a field, a function call, a parenthesised
// condition or a lineage test, then any method calls on it.
func (p *eqlParser) operand() (eqlOperand, error) {
	t := p.peek()
	var o eqlOperand
	switch {
	case t.kind == eqlString:
		p.next()
		o = eqlOperand{kind: eqlStr, text: t.text, pos: t.pos, end: t.end}
	case t.kind == eqlNumber:
		p.next()
		o = eqlOperand{kind: eqlNum, text: t.text, pos: t.pos, end: t.end}
	case t.kind == eqlPunct && (t.text == "-" || t.text == "+") && p.peekAt(1).kind == eqlNumber && p.peekAt(1).pos == t.end:
		p.next()
		n := p.next()
		text := n.text
		if t.text == "-" {
			text = "-" + text
		}
		o = eqlOperand{kind: eqlNum, text: text, pos: t.pos, end: n.end}
	case t.kind == eqlPunct && t.text == "(":
		p.next()
		n, err := p.expr()
		if err != nil {
			return o, err
		}
		if !p.isPunct(")") {
			if p.peek().kind == eqlEOF {
				return o, p.errf(t.pos, "unbalanced (")
			}
			return o, p.unexpectedEnd(") expected")
		}
		c := p.next()
		o = eqlOperand{kind: eqlParen, node: n, pos: t.pos, end: c.end}
	case t.kind == eqlName && t.plain && (t.text == "true" || t.text == "false"):
		p.next()
		o = eqlOperand{kind: eqlBool, text: t.text, pos: t.pos, end: t.end}
	case t.kind == eqlName && t.plain && t.text == "null":
		p.next()
		o = eqlOperand{kind: eqlNull, text: t.text, pos: t.pos, end: t.end}
	case t.kind == eqlName && t.plain && !eqlKeywords[t.text] && p.peekAt(1).kind == eqlPunct && p.peekAt(1).text == "(":
		p.next()
		args, end, err := p.args(p.next())
		if err != nil {
			return o, err
		}
		o = eqlOperand{kind: eqlCall, text: t.text, args: args, pos: t.pos, end: end}
	case t.kind == eqlName && t.plain && !eqlKeywords[t.text] && p.peekAt(1).kind == eqlName && p.peekAt(1).plain && p.peekAt(1).text == "of":
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
		o = eqlOperand{kind: eqlLineage, text: t.text, pos: t.pos, end: p.prevEnd()}
	case t.kind == eqlName && !(t.plain && eqlKeywords[t.text]) && !strings.HasSuffix(t.text, "~"):
		p.next()
		o = eqlOperand{kind: eqlField, text: t.text, pos: t.pos, end: t.end}
	default:
		return o, p.unexpected("a field, a value or a condition expected")
	}
	for p.peek().kind == eqlMethod {
		m := p.next()
		args, end, err := p.args(m)
		if err != nil {
			return o, err
		}
		o = eqlOperand{kind: eqlCall, text: m.text, args: append([]eqlOperand{o}, args...), pos: o.pos, end: end}
	}
	return o, nil
}

// args reads a call's arguments up to its ); open is the token that
// opened it.
func (p *eqlParser) args(open eqlToken) ([]eqlOperand, int, error) {
	var args []eqlOperand
	for {
		if p.isPunct(")") {
			return args, p.next().end, nil
		}
		if p.peek().kind == eqlEOF {
			return nil, 0, p.errf(open.pos, "unbalanced (")
		}
		p.depth++
		if p.depth > eqlMaxDepth {
			return nil, 0, p.errf(p.peek().pos, "the condition nests too deep")
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
			if p.peek().kind == eqlEOF {
				return nil, 0, p.errf(open.pos, "unbalanced (")
			}
			return nil, 0, p.unexpected(", or ) in a call")
		}
	}
}

package drift

import (
	"slices"
	"strings"

	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/splunk"
)

// ReadSplunk reads an SPL query: its search (the implicit search command
// or a leading "| tstats … where …"), then the filtering pipes search,
// where and regex until the first command that changes the events
// (stats, eval, …); what follows, and subsearches, is left unread.
//
// Tokens, keywords and escapes are lang/splunk's (the Splunk Search
// Reference's rules: \\ is a backslash, \" a quote and \| a pipe, quoted
// or not; other backslashes are themselves).
func ReadSplunk(q string) (*Query, error) { return splunkPipes.read(q) }

var splunkPipes = &pipeline{
	lex:   splunk.Lex,
	named: func(first token) bool { return first.Kind == lang.Word && first.Text == "tstats" },
	filters: map[string]pipeFilter{
		"search": func(q string, t *tokens, query *Query) (*Node, bool, error) {
			n, err := splSearch(q, t, query, false)
			if err == nil {
				err = wholeSegment(t)
			}
			return n, false, err
		},
		// tstats … from datamodel=X where <search> by …: its search is
		// read, its statistics are not.
		"tstats": func(q string, t *tokens, query *Query) (*Node, bool, error) {
			for !t.isWord("where") && t.peek().Kind != lang.EOF {
				t.next()
			}
			var n *Node
			var err error
			if t.isWord("where") {
				t.next()
				n, err = splSearch(q, t, query, true)
			}
			query.Unread = append(query.Unread, "tstats … by …")
			return n, true, err
		},
		"where": func(q string, t *tokens, query *Query) (*Node, bool, error) {
			n, err := splWhere(t)
			return n, false, err
		},
		"regex": func(q string, t *tokens, query *Query) (*Node, bool, error) {
			n, err := splRegex(t)
			return n, false, err
		},
	},
	keep: []string{"table", "fields", "rename", "dedup", "sort", "head", "tail", "fillnull"},
}

// pipeFilter reads a filtering command's condition; stop says the
// events change after it (tstats), so later commands are unread.
type pipeFilter func(q string, t *tokens, query *Query) (n *Node, stop bool, err error)

// pipeline is a piped query language as the readers see it: which
// commands filter the events (their conditions are read), which keep
// them as they are (table, fields), and, implicitly, every other command
// changes them (stats, eval), so that it and what follows are unread.
type pipeline struct {
	// lex is the language's lexer.
	lex func(string) ([]lang.Token, error)
	// named reports a first segment that starts with its command's
	// name (Splunk's | tstats); otherwise it is a search.
	named   func(first token) bool
	filters map[string]pipeFilter
	keep    []string
	// fold: command names are case-insensitive.
	fold bool
}

func (p *pipeline) read(q string) (*Query, error) {
	toks, err := p.lex(q)
	if err != nil {
		return nil, err
	}
	query := &Query{}
	var conds []*Node
	transformed := false
	for i, seg := range splitPipes(toks) {
		t, raw := segmentOf(q, toks, seg)
		t.fold = p.fold
		cmd := "search"
		if i > 0 || len(seg) > 0 && p.named != nil && p.named(seg[0]) {
			switch t.peek().Kind {
			case lang.Macro:
				// A macro as a command may do anything.
				transformed = true
			case lang.Word:
				cmd = t.next().Text
				if p.fold {
					cmd = strings.ToLower(cmd)
				}
			default:
				return nil, &Error{Pos: t.peek().Pos, Msg: "a command name after |"}
			}
		}
		filter, ok := p.filters[cmd]
		switch {
		case transformed || !ok:
			query.Unread = append(query.Unread, raw)
			transformed = transformed || !slices.Contains(p.keep, cmd)
		default:
			n, stop, err := filter(q, t, query)
			if err != nil {
				return nil, err
			}
			conds = append(conds, n)
			transformed = stop
		}
	}
	query.Where = and(conds...)
	return query, nil
}

// wholeSegment fails when a condition stopped before the end of its
// segment (a parenthesis too many).
func wholeSegment(t *tokens) error {
	if tok := t.peek(); tok.Kind != lang.EOF {
		return &Error{Pos: tok.Pos, Msg: "unbalanced " + quoteTok(tok)}
	}
	return nil
}

// splitPipes cuts the tokens at the pipes outside brackets.
func splitPipes(toks []token) [][]token {
	var segs [][]token
	depth, start := 0, 0
	for i, tok := range toks {
		switch tok.Kind {
		case lang.LBrack:
			depth++
		case lang.RBrack:
			depth--
		case lang.Pipe:
			if depth == 0 {
				segs = append(segs, toks[start:i])
				start = i + 1
			}
		case lang.EOF:
			segs = append(segs, toks[start:i])
		}
	}
	// A query that starts with a pipe has an empty first segment.
	if len(segs) > 0 && len(segs[0]) == 0 {
		segs = segs[1:]
	}
	return segs
}

// segmentOf is a cursor over a pipe segment's tokens, ending at its own
// end, and the segment's text.
func segmentOf(q string, toks, seg []token) (*tokens, string) {
	end := endPos(q, toks, seg)
	t := &tokens{toks: append(seg[:len(seg):len(seg)], token{Kind: lang.EOF, Pos: end})}
	return t, strings.TrimSpace(q[segStart(seg, q):end])
}

func segStart(seg []token, q string) int {
	if len(seg) == 0 {
		return len(q)
	}
	return seg[0].Pos
}

// endPos is where a segment ends in the query: at the next token.
func endPos(q string, toks []token, seg []token) int {
	if len(seg) == 0 {
		return len(q)
	}
	last := seg[len(seg)-1]
	for i, tok := range toks {
		if tok.Pos == last.Pos && i+1 < len(toks) {
			return toks[i+1].Pos
		}
	}
	return len(q)
}

// splSearch reads a search condition to the end of its tokens (or to a
// "by" when tstats): terms side by side are ANDed, OR binds tighter than
// that AND, NOT tighter still (Splunk Search Reference, "Boolean
// expressions": NOT, OR, AND in that order).
func splSearch(q string, t *tokens, query *Query, stopAtBy bool) (*Node, error) {
	stop := func() bool {
		return t.peek().Kind == lang.EOF || t.peek().Kind == lang.RParen || (stopAtBy && t.isWord("by"))
	}
	var and_ []*Node
	for !stop() {
		if t.isWord(splunk.And) {
			t.next()
			continue
		}
		n, err := splOr(q, t, query, stop)
		if err != nil {
			return nil, err
		}
		if n != nil {
			and_ = append(and_, n)
		}
	}
	return and(and_...), nil
}

func splOr(q string, t *tokens, query *Query, stop func() bool) (*Node, error) {
	first, err := splNot(q, t, query)
	if err != nil {
		return nil, err
	}
	kids := []*Node{first}
	for t.isWord(splunk.Or) {
		t.next()
		n, err := splNot(q, t, query)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	var keep []*Node
	for _, k := range kids {
		if k != nil {
			keep = append(keep, k)
		}
	}
	if len(keep) < len(kids) {
		// An OR with an unread branch (a subsearch) is unread whole.
		return nil, nil
	}
	return &Node{Kind: Or, Kids: keep, Pos: keep[0].Pos}, nil
}

func splNot(q string, t *tokens, query *Query) (*Node, error) {
	tok := t.peek()
	if t.isWord(splunk.Not) {
		t.next()
		n, err := splNot(q, t, query)
		if n == nil || err != nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: tok.Pos}, nil
	}
	switch tok.Kind {
	case lang.LParen:
		t.next()
		n, err := splSearch(q, t, query, false)
		if err != nil {
			return nil, err
		}
		if t.peek().Kind != lang.RParen {
			return nil, &Error{Pos: tok.Pos, Msg: "unbalanced parenthesis"}
		}
		t.next()
		return n, nil
	case lang.LBrack:
		// A subsearch: unread.
		depth, start := 0, t.i
		for {
			x := t.next()
			if x.Kind == lang.LBrack {
				depth++
			} else if x.Kind == lang.RBrack {
				depth--
			}
			if depth == 0 || x.Kind == lang.EOF {
				if x.Kind == lang.EOF {
					return nil, &Error{Pos: tok.Pos, Msg: "unbalanced ["}
				}
				break
			}
		}
		query.Unread = append(query.Unread, "subsearch "+text(q, t.toks, start, t.i))
		return nil, nil
	case lang.Macro:
		t.next()
		query.Unread = append(query.Unread, "macro "+tok.Text)
		return nil, nil
	case lang.Word, lang.Str:
		t.next()
		if op := t.peek(); op.Kind == lang.Op {
			t.next()
			o, v, err := valueAfter(t, op)
			if err != nil {
				return nil, err
			}
			val := Value{Kind: Glob, Text: v.Text, Fold: true}
			if o != Eq && o != Ne {
				val = Value{Kind: Exact, Text: v.Text}
			}
			return &Node{Kind: Cmp, Test: Test{Field: tok.Text, Op: o, Value: val}, Pos: tok.Pos}, nil
		}
		if tok.Kind == lang.Word && t.isWord(splunk.In) {
			t.next()
			return splIn(t, tok)
		}
		return &Node{Kind: Term, Text: tok.Text, Pos: tok.Pos}, nil
	}
	return nil, &Error{Pos: tok.Pos, Msg: "unexpected " + quoteTok(tok)}
}

// valueAfter reads the value after a comparison operator (op, already
// read), and the operator, SPL's == being its =.
func valueAfter(t *tokens, op token) (Op, token, error) {
	v := t.next()
	if v.Kind != lang.Word && v.Kind != lang.Str {
		return "", v, &Error{Pos: op.Pos, Msg: "a value after " + op.Text}
	}
	o := Op(op.Text)
	if o == "==" {
		o = Eq
	}
	return o, v, nil
}

// splIn reads "field IN (v, v, …)".
func splIn(t *tokens, field token) (*Node, error) {
	if t.next().Kind != lang.LParen {
		return nil, &Error{Pos: field.Pos, Msg: "IN without a ( list"}
	}
	or := &Node{Kind: Or, Pos: field.Pos}
	for {
		v := t.next()
		switch v.Kind {
		case lang.Word, lang.Str:
			or.Kids = append(or.Kids, &Node{Kind: Cmp, Test: Test{Field: field.Text, Op: Eq, Value: Value{Kind: Glob, Text: v.Text, Fold: true}}, Pos: v.Pos})
		case lang.Comma:
		case lang.RParen:
			return or, nil
		default:
			return nil, &Error{Pos: v.Pos, Msg: "unterminated IN list"}
		}
	}
}

func quoteTok(tok token) string {
	if tok.Kind == lang.EOF {
		return "end of query"
	}
	return `"` + tok.Text + `"`
}

// splRegex reads "regex field=\"re\"" (or !=). Splunk's regex is PCRE,
// case-sensitive unless the expression says (?i).
func splRegex(t *tokens) (*Node, error) {
	f := t.next()
	op := t.next()
	v := t.next()
	if f.Kind != lang.Word || op.Kind != lang.Op || (op.Text != "=" && op.Text != "!=") || (v.Kind != lang.Str && v.Kind != lang.Word) {
		return nil, &Error{Pos: f.Pos, Msg: "regex takes field=\"expression\""}
	}
	n := &Node{Kind: Cmp, Test: Test{Field: f.Text, Op: Op(op.Text), Value: Value{Kind: Regex, Text: v.Text}}, Pos: f.Pos}
	return n, nil
}

// splWhere reads a where command's eval expression: comparisons,
// like(), match(), searchmatch-free boolean logic. A string in eval is
// exact and case-sensitive.
func splWhere(t *tokens) (*Node, error) {
	n, err := whereOr(t)
	if err != nil {
		return nil, err
	}
	if t.peek().Kind != lang.EOF {
		return nil, &Error{Pos: t.peek().Pos, Msg: "unexpected " + quoteTok(t.peek()) + " in where"}
	}
	return n, nil
}

func whereOr(t *tokens) (*Node, error) {
	return chain(t, Or, []string{splunk.Or}, func() (*Node, error) {
		return chain(t, And, []string{splunk.And}, func() (*Node, error) { return whereNot(t) })
	})
}

// chain reads operands separated by one of the keywords into a node of
// the kind (one operand: that operand).
func chain(t *tokens, kind Kind, words []string, operand func() (*Node, error)) (*Node, error) {
	first, err := operand()
	if err != nil {
		return nil, err
	}
	kids := []*Node{first}
	for t.isWord(words...) {
		t.next()
		n, err := operand()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &Node{Kind: kind, Kids: kids, Pos: first.Pos}, nil
}

func whereNot(t *tokens) (*Node, error) {
	tok := t.peek()
	if t.isWord(splunk.Not) {
		t.next()
		n, err := whereNot(t)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: tok.Pos}, nil
	}
	if tok.Kind == lang.LParen {
		t.next()
		n, err := whereOr(t)
		if err != nil {
			return nil, err
		}
		if t.next().Kind != lang.RParen {
			return nil, &Error{Pos: tok.Pos, Msg: "unbalanced parenthesis"}
		}
		return n, nil
	}
	if tok.Kind != lang.Word && tok.Kind != lang.Str {
		return nil, &Error{Pos: tok.Pos, Msg: "unexpected " + quoteTok(tok) + " in where"}
	}
	t.next()
	if t.peek().Kind == lang.LParen {
		return whereCall(t, tok)
	}
	op := t.next()
	if op.Kind != lang.Op {
		return nil, &Error{Pos: tok.Pos, Msg: "a comparison in where"}
	}
	o, v, err := valueAfter(t, op)
	if err != nil {
		return nil, err
	}
	field := splunk.UnquoteField(tok.Text)
	return &Node{Kind: Cmp, Test: Test{Field: field, Op: o, Value: Value{Kind: Exact, Text: v.Text}}, Pos: tok.Pos}, nil
}

// whereCall reads like(f, "p"), match(f, "re") and isnull/isnotnull(f).
func whereCall(t *tokens, name token) (*Node, error) {
	t.next() // (
	var args []token
	for {
		a := t.next()
		if a.Kind == lang.RParen {
			break
		}
		if a.Kind == lang.EOF {
			return nil, &Error{Pos: name.Pos, Msg: "unterminated " + name.Text + "("}
		}
		if a.Kind == lang.Word || a.Kind == lang.Str {
			args = append(args, a)
		} else if a.Kind != lang.Comma {
			return nil, &Error{Pos: a.Pos, Msg: "only fields and strings are read as arguments of " + name.Text}
		}
	}
	fn := strings.ToLower(name.Text)
	switch {
	case (fn == "like" || fn == "match") && len(args) == 2:
		kind := Like
		if fn == "match" {
			kind = Regex
		}
		return &Node{Kind: Cmp, Test: Test{Field: splunk.UnquoteField(args[0].Text), Op: Eq, Value: Value{Kind: kind, Text: args[1].Text}}, Pos: name.Pos}, nil
	case (fn == "isnull" || fn == "isnotnull") && len(args) == 1:
		n := &Node{Kind: Cmp, Test: Test{Field: splunk.UnquoteField(args[0].Text), Op: Ne, Value: Value{Kind: Glob, Text: "*"}}, Pos: name.Pos}
		if fn == "isnotnull" {
			n.Test.Op = Eq
		}
		return n, nil
	}
	return nil, &Error{Pos: name.Pos, Msg: "the function " + name.Text + " is not read"}
}

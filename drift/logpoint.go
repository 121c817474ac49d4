package drift

import "strings"

// ReadLogPoint reads a LogPoint search: terms side by side ANDed, OR
// binding tighter, NOT or a leading "-" negating a term, field=value,
// field IN [v, …], and the pipes "| process regex(\"re\", field,
// \"filter=true\")" (a regex filter) and "| search" before any chart;
// chart and what follows it are left unread. Backslashes are themselves
// and values compare case-insensitively with * and ? wildcards (the
// reading cartrans' LogPoint backend writes by; see its package comment).
func ReadLogPoint(q string) (*Query, error) { return logpointPipes.read(q) }

var logpointPipes = &pipeline{
	rules: lexRules{single: true},
	fold:  true,
	filters: map[string]pipeFilter{
		"search": lpFilter,
		"filter": lpFilter,
		// process regex(…, "filter=true") filters; other process
		// commands compute fields.
		"process": func(q string, t *tokens, query *Query) (*Node, bool, error) {
			n, ok := lpRegexPipe(t)
			if !ok {
				query.Unread = append(query.Unread, text(q, t.toks, 0, len(t.toks)-1))
			}
			return n, !ok, nil
		},
	},
	keep: []string{"fields", "sort", "limit", "rename"},
}

func lpFilter(q string, t *tokens, query *Query) (*Node, bool, error) {
	n, err := lpSearch(t)
	if err == nil {
		err = wholeSegment(t)
	}
	return n, false, err
}

func lpSearch(t *tokens) (*Node, error) {
	var kids []*Node
	for t.peek().kind != tEOF && t.peek().kind != tRParen {
		if t.isWord("AND", "and") {
			t.next()
			continue
		}
		n, err := lpOr(t)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	return and(kids...), nil
}

func lpOr(t *tokens) (*Node, error) {
	return chain(t, Or, []string{"OR", "or"}, func() (*Node, error) { return lpNot(t) })
}

func lpNot(t *tokens) (*Node, error) {
	tok := t.peek()
	if t.isWord("NOT", "not") {
		t.next()
		n, err := lpNot(t)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: tok.pos}, nil
	}
	switch tok.kind {
	case tLParen:
		t.next()
		n, err := lpSearch(t)
		if err != nil {
			return nil, err
		}
		if t.next().kind != tRParen {
			return nil, &Error{Pos: tok.pos, Msg: "unbalanced parenthesis"}
		}
		if n == nil {
			return nil, &Error{Pos: tok.pos, Msg: "empty parentheses"}
		}
		return n, nil
	case tWord, tStr:
		t.next()
		field := tok.text
		neg := tok.kind == tWord && strings.HasPrefix(field, "-") && len(field) > 1
		if neg {
			field = field[1:]
		}
		var n *Node
		switch {
		case t.peek().kind == tOp:
			op := t.next()
			v := t.next()
			if v.kind != tWord && v.kind != tStr {
				return nil, &Error{Pos: op.pos, Msg: "a value after " + op.text}
			}
			o := Op(op.text)
			val := Value{Kind: Glob, Text: v.text, Fold: true}
			if o != Eq && o != Ne {
				val = Value{Kind: Exact, Text: v.text}
			}
			n = &Node{Kind: Cmp, Test: Test{Field: field, Op: o, Value: val}, Pos: tok.pos}
		case t.isWord("IN", "in"):
			t.next()
			var err error
			if n, err = lpIn(t, field, tok.pos); err != nil {
				return nil, err
			}
		default:
			n = &Node{Kind: Term, Text: tok.text, Pos: tok.pos}
			neg = false
		}
		if neg {
			n = &Node{Kind: Not, Kids: []*Node{n}, Pos: tok.pos}
		}
		return n, nil
	}
	return nil, &Error{Pos: tok.pos, Msg: "unexpected " + quoteTok(tok)}
}

// lpIn reads "IN [v, …]", or IN with one bare value as CAR's pages
// write it (EventCode IN "4719").
func lpIn(t *tokens, field string, pos int) (*Node, error) {
	if v := t.peek(); v.kind == tStr || v.kind == tWord {
		t.next()
		return &Node{Kind: Cmp, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Glob, Text: v.text, Fold: true}}, Pos: v.pos}, nil
	}
	if t.next().kind != tLBrack {
		return nil, &Error{Pos: pos, Msg: "IN without a [ list"}
	}
	or := &Node{Kind: Or, Pos: pos}
	for {
		v := t.next()
		switch v.kind {
		case tWord, tStr:
			or.Kids = append(or.Kids, &Node{Kind: Cmp, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Glob, Text: v.text, Fold: true}}, Pos: v.pos})
		case tComma:
		case tRBrack:
			if len(or.Kids) == 1 {
				return or.Kids[0], nil
			}
			return or, nil
		case tRParen:
			return nil, &Error{Pos: v.pos, Msg: "the IN list opened with [ ends with )"}
		default:
			return nil, &Error{Pos: v.pos, Msg: "unterminated IN list"}
		}
	}
}

// lpRegexPipe reads process regex("re", field, "filter=true").
func lpRegexPipe(t *tokens) (*Node, bool) {
	name := t.next()
	if !strings.EqualFold(name.text, "regex") || t.next().kind != tLParen {
		return nil, false
	}
	re, c1, field := t.next(), t.next(), t.next()
	if re.kind != tStr || c1.kind != tComma || field.kind != tWord {
		return nil, false
	}
	filter := false
	for tok := t.next(); tok.kind != tRParen && tok.kind != tEOF; tok = t.next() {
		if tok.kind == tStr && strings.ReplaceAll(tok.text, " ", "") == "filter=true" {
			filter = true
		}
	}
	if !filter {
		return nil, false
	}
	return &Node{Kind: Cmp, Test: Test{Field: field.text, Op: Eq, Value: Value{Kind: Regex, Text: re.text}}, Pos: name.pos}, true
}

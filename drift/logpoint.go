package drift

import (
	"strings"

	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/logpoint"
)

// ReadLogPoint reads a LogPoint search: terms side by side ANDed, OR
// binding tighter, NOT or a leading "-" negating a term, field=value,
// field IN [v, …], and the pipes "| process regex(\"re\", field,
// \"filter=true\")" (a regex filter) and "| search" before any chart;
// chart and what follows it are left unread. Tokens, keywords (in any
// case) and quoting are lang/logpoint's: backslashes are themselves, and
// values compare case-insensitively with * and ? wildcards (the reading
// cartrans' LogPoint backend writes by; see its package comment).
func ReadLogPoint(q string) (*Query, error) { return logpointPipes.read(q) }

var logpointPipes = &pipeline{
	lex:  logpoint.Lex,
	fold: true,
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
	for t.peek().Kind != lang.EOF && t.peek().Kind != lang.RParen {
		if t.isWord(logpoint.And) {
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
	return chain(t, Or, []string{logpoint.Or}, func() (*Node, error) { return lpNot(t) })
}

func lpNot(t *tokens) (*Node, error) {
	tok := t.peek()
	// NOT, or a "-" standing alone, before a group or a quoted field
	// name: -(…), -"process"="x" (logpoint.Negation).
	if t.isWord(logpoint.Not, logpoint.Negation) {
		t.next()
		n, err := lpNot(t)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: Not, Kids: []*Node{n}, Pos: tok.Pos}, nil
	}
	switch tok.Kind {
	case lang.LParen:
		t.next()
		n, err := lpSearch(t)
		if err != nil {
			return nil, err
		}
		if t.next().Kind != lang.RParen {
			return nil, &Error{Pos: tok.Pos, Msg: "unbalanced parenthesis"}
		}
		if n == nil {
			return nil, &Error{Pos: tok.Pos, Msg: "empty parentheses"}
		}
		return n, nil
	case lang.Word, lang.Str:
		t.next()
		field, neg := tok.Text, false
		if tok.Kind == lang.Word {
			field, neg = logpoint.Negated(tok.Text)
		}
		var n *Node
		switch {
		case t.peek().Kind == lang.Op:
			op := t.next()
			v := t.next()
			if v.Kind != lang.Word && v.Kind != lang.Str {
				return nil, &Error{Pos: op.Pos, Msg: "a value after " + op.Text}
			}
			o := Op(op.Text)
			val := Value{Kind: Glob, Text: v.Text, Fold: true}
			if o != Eq && o != Ne {
				val = Value{Kind: Exact, Text: v.Text}
			}
			n = &Node{Kind: Cmp, Test: Test{Field: field, Op: o, Value: val}, Pos: tok.Pos}
		case t.isWord(logpoint.In):
			t.next()
			var err error
			if n, err = lpIn(t, field, tok.Pos); err != nil {
				return nil, err
			}
		default:
			n = &Node{Kind: Term, Text: tok.Text, Pos: tok.Pos}
			neg = false
		}
		if neg {
			n = &Node{Kind: Not, Kids: []*Node{n}, Pos: tok.Pos}
		}
		return n, nil
	}
	return nil, &Error{Pos: tok.Pos, Msg: "unexpected " + quoteTok(tok)}
}

// lpIn reads "IN [v, …]", or IN with one bare value as CAR's pages
// write it (EventCode IN "4719").
func lpIn(t *tokens, field string, pos int) (*Node, error) {
	if v := t.peek(); v.Kind == lang.Str || v.Kind == lang.Word {
		t.next()
		return &Node{Kind: Cmp, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Glob, Text: v.Text, Fold: true}}, Pos: v.Pos}, nil
	}
	if t.next().Kind != lang.LBrack {
		return nil, &Error{Pos: pos, Msg: "IN without a [ list"}
	}
	or := &Node{Kind: Or, Pos: pos}
	for {
		v := t.next()
		switch v.Kind {
		case lang.Word, lang.Str:
			or.Kids = append(or.Kids, &Node{Kind: Cmp, Test: Test{Field: field, Op: Eq, Value: Value{Kind: Glob, Text: v.Text, Fold: true}}, Pos: v.Pos})
		case lang.Comma:
		case lang.RBrack:
			if len(or.Kids) == 1 {
				return or.Kids[0], nil
			}
			return or, nil
		case lang.RParen:
			return nil, &Error{Pos: v.Pos, Msg: "the IN list opened with [ ends with )"}
		default:
			return nil, &Error{Pos: v.Pos, Msg: "unterminated IN list"}
		}
	}
}

// lpRegexPipe reads process regex("re", field, "filter=true").
func lpRegexPipe(t *tokens) (*Node, bool) {
	name := t.next()
	if !strings.EqualFold(name.Text, "regex") || t.next().Kind != lang.LParen {
		return nil, false
	}
	re, c1, field := t.next(), t.next(), t.next()
	if re.Kind != lang.Str || c1.Kind != lang.Comma || field.Kind != lang.Word {
		return nil, false
	}
	filter := false
	for tok := t.next(); tok.Kind != lang.RParen && tok.Kind != lang.EOF; tok = t.next() {
		if tok.Kind == lang.Str && strings.ReplaceAll(tok.Text, " ", "") == "filter=true" {
			filter = true
		}
	}
	if !filter {
		return nil, false
	}
	return &Node{Kind: Cmp, Test: Test{Field: field.Text, Op: Eq, Value: Value{Kind: Regex, Text: re.Text}}, Pos: name.Pos}, true
}

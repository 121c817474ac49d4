package agree_test

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/lang/eql"
)

// A test-only interpreter of the Endgame EQL the eql backend writes, over
// lang/eql's tokens (endgameinc/eql: "where" conditions with and, or, not, ==, !=, <, <=,
// >, >=, in, null, and the functions wildcard, match and cidrMatch),
// with EQL's meaning: strings compare without case, "*" is a wildcard in
// == and wildcard() but not in "in", match() anchors at the start and
// ignores case, and logic is three-valued (a comparison with a missing
// field is null; "not null" is null; the query keeps only true).
// With es set, the Elasticsearch dialect's meaning where it differs
// (docs/design/eql.md B): == and in compare strings with case and
// without wildcards; ":" is like~, "like" a wildcard match with case
// ("*" and "?"), "in~" a list of strings compared without case.

type eqlTok struct {
	kind string // id, str, num, op, (, ), ",", kw
	text string
}

// eqlLex reads a query with lang/eql's lexer (its strings, names and
// keywords), as the drift reader does, into the interpreter's tokens: a
// keyword of either dialect is "kw", a sign before a number is the
// number's.
func eqlLex(s string) ([]eqlTok, error) {
	toks, err := eql.Lex(s)
	if err != nil {
		return nil, err
	}
	var out []eqlTok
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Kind == eql.EOF:
		case t.Kind == eql.Name && t.Plain && eql.IsKeyword(t.Text):
			out = append(out, eqlTok{"kw", t.Text})
		case t.Kind == eql.Name:
			out = append(out, eqlTok{"id", t.Text})
		case t.Kind == eql.String:
			out = append(out, eqlTok{"str", t.Text})
		case t.Kind == eql.Number:
			out = append(out, eqlTok{"num", t.Text})
		case t.Kind == eql.Punct && (t.Text == "-" || t.Text == "+") && toks[i+1].Kind == eql.Number && toks[i+1].Pos == t.End:
			out = append(out, eqlTok{"num", strings.TrimPrefix(t.Text, "+") + toks[i+1].Text})
			i++
		case t.Kind == eql.Punct && slices.Contains(eql.Ops, t.Text):
			out = append(out, eqlTok{"op", t.Text})
		case t.Kind == eql.Punct && (t.Text == "(" || t.Text == ")" || t.Text == ","):
			out = append(out, eqlTok{t.Text, t.Text})
		default:
			return nil, fmt.Errorf("unexpected %q at %d", t.Text, t.Pos)
		}
	}
	return out, nil
}

// tri is a three-valued truth: 1 true, 0 false, -1 null.
type tri int

func triOf(b bool) tri {
	if b {
		return 1
	}
	return 0
}

type eqlExpr func(ev map[string]string) tri

type eqlParser struct {
	toks []eqlTok
	i    int
	es   bool
}

func (p *eqlParser) peek() eqlTok {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return eqlTok{}
}

func (p *eqlParser) next() eqlTok { t := p.peek(); p.i++; return t }

// parseEQL reads "category where condition", in the Elasticsearch
// dialect when es is set.
func parseEQL(q string, es bool) (eqlExpr, error) {
	toks, err := eqlLex(q)
	if err != nil {
		return nil, err
	}
	if len(toks) < 3 || toks[0].kind != "id" && toks[0].text != "any" || toks[1].text != "where" {
		return nil, fmt.Errorf("not an event query: %s", q)
	}
	p := &eqlParser{toks: toks, i: 2, es: es}
	e, err := p.or()
	if err == nil && p.i != len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.peek().text)
	}
	return e, err
}

func (p *eqlParser) or() (eqlExpr, error) {
	return leftAssoc(p.and, p.keyword("or"), triOr)
}

func (p *eqlParser) and() (eqlExpr, error) {
	return leftAssoc(p.not, p.keyword("and"), triAnd)
}

func (p *eqlParser) not() (eqlExpr, error) {
	if p.peek().text == "not" {
		p.next()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return triNot(x), nil
	}
	return p.primary()
}

func (p *eqlParser) primary() (eqlExpr, error) {
	t := p.next()
	switch {
	case t.kind == "(":
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next().kind != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return e, nil
	case t.kind == "id" && p.peek().kind == "(":
		return p.call(t.text)
	case t.kind == "id":
		field := t.text
		op := p.peek()
		switch {
		case op.text == ":":
			// Elasticsearch's ":": without case, * and ? wildcards, a
			// value or a list of them.
			p.next()
			vals := []eqlTok{p.next()}
			if vals[0].kind == "(" {
				vals = nil
				for {
					vals = append(vals, p.next())
					if n := p.next(); n.kind == ")" {
						break
					} else if n.kind != "," {
						return nil, fmt.Errorf("bad list")
					}
				}
			}
			return func(ev map[string]string) tri {
				got, ok := ev[field]
				if !ok {
					return -1
				}
				for _, v := range vals {
					re := regexp.QuoteMeta(v.text)
					re = strings.ReplaceAll(strings.ReplaceAll(re, `\*`, ".*"), `\?`, ".")
					if regexp.MustCompile("(?is)^" + re + "$").MatchString(got) {
						return 1
					}
				}
				return 0
			}, nil
		case op.text == "like":
			// Elasticsearch's like: * and ? wildcards, with case.
			p.next()
			v := p.next()
			re := regexp.QuoteMeta(v.text)
			re = strings.ReplaceAll(strings.ReplaceAll(re, `\*`, ".*"), `\?`, ".")
			pattern := regexp.MustCompile("(?s)^" + re + "$")
			return func(ev map[string]string) tri {
				got, ok := ev[field]
				if !ok {
					return -1
				}
				return triOf(pattern.MatchString(got))
			}, nil
		case op.kind == "op" && p.es && op.text == "==" && p.toks[p.i+1].kind == "str":
			// Elasticsearch's == on a string: with case, * literal.
			p.next()
			v := p.next()
			return func(ev map[string]string) tri {
				got, ok := ev[field]
				if !ok {
					return -1
				}
				return triOf(got == v.text)
			}, nil
		case op.kind == "op":
			p.next()
			v := p.next()
			return compareEQL(field, op.text, v)
		case op.text == "in~" || op.text == "in" && p.es:
			// Elasticsearch's lists: in~ without case, in with it.
			p.next()
			insensitive := op.text == "in~"
			if p.next().kind != "(" {
				return nil, fmt.Errorf("in without (")
			}
			var vals []eqlTok
			for {
				vals = append(vals, p.next())
				if n := p.next(); n.kind == ")" {
					break
				} else if n.kind != "," {
					return nil, fmt.Errorf("bad list")
				}
			}
			return func(ev map[string]string) tri {
				got, ok := ev[field]
				if !ok {
					return -1
				}
				for _, v := range vals {
					if got == v.text || insensitive && strings.EqualFold(got, v.text) {
						return 1
					}
				}
				return 0
			}, nil
		case op.text == "in":
			p.next()
			if p.next().kind != "(" {
				return nil, fmt.Errorf("in without (")
			}
			var vals []eqlTok
			for {
				vals = append(vals, p.next())
				if n := p.next(); n.kind == ")" {
					break
				} else if n.kind != "," {
					return nil, fmt.Errorf("bad list")
				}
			}
			return func(ev map[string]string) tri {
				got, ok := ev[field]
				if !ok {
					return -1
				}
				for _, v := range vals {
					if eqlEqual(got, v, false) {
						return 1
					}
				}
				return 0
			}, nil
		default:
			// A selector flag (subtype.create): the test's events are all
			// of the searched kind.
			return func(map[string]string) tri { return 1 }, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q", t.text)
}

func (p *eqlParser) call(name string) (eqlExpr, error) {
	p.next() // (
	var args []eqlTok
	for {
		args = append(args, p.next())
		if n := p.next(); n.kind == ")" {
			break
		} else if n.kind != "," {
			return nil, fmt.Errorf("bad call")
		}
	}
	field := args[0].text
	pats := args[1:]
	return func(ev map[string]string) tri {
		v, ok := ev[field]
		if !ok {
			return -1
		}
		for _, pt := range pats {
			switch name {
			case "wildcard":
				if eqlEqual(v, pt, true) {
					return 1
				}
			case "match":
				if re, err := regexp.Compile("(?is)^(?:" + pt.text + ")"); err == nil && re.MatchString(v) {
					return 1
				}
			case "cidrMatch":
				b, err1 := netip.ParsePrefix(pt.text)
				a, err2 := netip.ParseAddr(v)
				if err1 == nil && err2 == nil && b.Masked().Contains(a) {
					return 1
				}
			}
		}
		return 0
	}, nil
}

func compareEQL(field, op string, v eqlTok) (eqlExpr, error) {
	if v.text == "null" {
		return func(ev map[string]string) tri {
			_, ok := ev[field]
			return triOf(ok == (op == "!="))
		}, nil
	}
	return func(ev map[string]string) tri {
		got, ok := ev[field]
		if !ok {
			return -1
		}
		switch op {
		case "==":
			return triOf(eqlEqual(got, v, true))
		case "!=":
			return triOf(!eqlEqual(got, v, true))
		}
		a, err1 := strconv.ParseFloat(got, 64)
		b, err2 := strconv.ParseFloat(v.text, 64)
		if err1 != nil || err2 != nil {
			return -1
		}
		switch op {
		case "<":
			return triOf(a < b)
		case "<=":
			return triOf(a <= b)
		case ">":
			return triOf(a > b)
		case ">=":
			return triOf(a >= b)
		}
		return -1
	}, nil
}

// eqlEqual compares as EQL does: numbers numerically, strings without
// case, with "*" a wildcard where it is one.
func eqlEqual(got string, v eqlTok, wild bool) bool {
	if v.kind == "num" {
		a, err1 := strconv.ParseFloat(got, 64)
		b, err2 := strconv.ParseFloat(v.text, 64)
		return err1 == nil && err2 == nil && a == b
	}
	if !wild || !strings.Contains(v.text, "*") {
		return strings.EqualFold(got, v.text)
	}
	re := "(?is)^" + strings.ReplaceAll(regexp.QuoteMeta(v.text), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(got)
}

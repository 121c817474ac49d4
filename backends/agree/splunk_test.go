package agree_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/splunk"
)

// A test-only interpreter of the SPL the splunk backend writes for one
// kind of event (Splunk Search Reference, "search" and "where"), over
// lang/splunk's tokens and keywords: search terms field=value (values
// compared without case, * a wildcard), field IN (…), field=* , ordering of
// numbers, NOT, OR (binding tighter than the implied AND), parentheses;
// then "| where" with match(field, "re"), AND, OR, NOT and parentheses,
// where a missing field is null and the row is kept only when true.

type splTok struct{ kind, text string } // word, str, op, (, ), [, ], ",", -, |

// splLex reads a query with lang/splunk's lexer (the escapes of the
// Search Reference), as the drift reader does, into the interpreter's
// tokens.
func splLex(s string) ([]splTok, error) {
	return termToks(splunk.Lex(s))
}

// termToks names a term language's tokens (lang.LexTerms) by kind; a
// macro, which no backend writes, is an error.
func termToks(toks []lang.Token, err error) ([]splTok, error) {
	if err != nil {
		return nil, err
	}
	var out []splTok
	for _, t := range toks {
		switch t.Kind {
		case lang.Word:
			out = append(out, splTok{"word", t.Text})
		case lang.Str:
			out = append(out, splTok{"str", t.Text})
		case lang.Op:
			out = append(out, splTok{"op", t.Text})
		case lang.LParen, lang.RParen, lang.LBrack, lang.RBrack, lang.Comma, lang.Pipe:
			out = append(out, splTok{t.Text, t.Text})
		case lang.EOF:
		default:
			return nil, fmt.Errorf("unexpected %q at %d", t.Text, t.Pos)
		}
	}
	return out, nil
}

type splParser struct {
	toks []splTok
	i    int
}

func (p *splParser) peek() splTok {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return splTok{}
}
func (p *splParser) next() splTok { t := p.peek(); p.i++; return t }

// parseSPL reads a query; index= and the selector terms are read as
// terms like the others.
func parseSPL(q string) (func(map[string]string) bool, error) {
	if strings.HasPrefix(q, "| tstats ") {
		// The CIM profile's tstats: its where clause is search terms over
		// the data model's fields, up to the by clause.
		_, rest, ok1 := strings.Cut(q, " where ")
		cond, _, ok2 := strings.Cut(rest, " by ")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("a tstats without where … by")
		}
		q = cond
	}
	toks, err := splLex(q)
	if err != nil {
		return nil, err
	}
	p := &splParser{toks: toks}
	search, err := p.searchAnd()
	if err != nil {
		return nil, err
	}
	var where eqlExpr
	if p.peek().kind == "|" {
		p.next()
		if w := p.next(); w.text != "where" {
			return nil, fmt.Errorf("unknown command %q", w.text)
		}
		if where, err = p.whereOr(); err != nil {
			return nil, err
		}
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	return func(ev map[string]string) bool {
		return search(ev) && (where == nil || where(ev) == 1)
	}, nil
}

func (p *splParser) searchAnd() (func(map[string]string) bool, error) {
	return allOf(func() bool { k := p.peek().kind; return k == "" || k == ")" || k == "|" }, p.searchOr)
}

func (p *splParser) searchOr() (func(map[string]string) bool, error) {
	return leftAssoc(p.searchNot, p.keyword(splunk.Or), orPred)
}

func (p *splParser) searchNot() (func(map[string]string) bool, error) {
	if p.peek().kind == "word" && p.peek().text == splunk.Not {
		p.next()
		x, err := p.searchNot()
		if err != nil {
			return nil, err
		}
		return func(ev map[string]string) bool { return !x(ev) }, nil
	}
	t := p.next()
	if t.kind == "(" {
		e, err := p.searchAnd()
		if err != nil {
			return nil, err
		}
		if p.next().kind != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return e, nil
	}
	field := t.text
	if p.peek().kind == "word" && p.peek().text == splunk.In {
		p.next()
		p.next() // (
		var vals []string
		for {
			vals = append(vals, p.next().text)
			if n := p.next(); n.kind == ")" {
				break
			}
		}
		return func(ev map[string]string) bool {
			v, ok := ev[field]
			if !ok {
				return false
			}
			for _, w := range vals {
				if globFold(w, v) {
					return true
				}
			}
			return false
		}, nil
	}
	op := p.next()
	val := p.next()
	return func(ev map[string]string) bool {
		v, ok := ev[field]
		if !ok {
			return false
		}
		switch op.text {
		case "=":
			return globFold(val.text, v)
		case "!=":
			return !globFold(val.text, v)
		}
		a, err1 := strconv.ParseFloat(v, 64)
		b, err2 := strconv.ParseFloat(val.text, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		switch op.text {
		case "<":
			return a < b
		case "<=":
			return a <= b
		case ">":
			return a > b
		case ">=":
			return a >= b
		}
		return false
	}, nil
}

func (p *splParser) whereOr() (eqlExpr, error) {
	return leftAssoc(p.whereAnd, p.keyword(splunk.Or), triOr)
}

func (p *splParser) whereAnd() (eqlExpr, error) {
	return leftAssoc(p.whereNot, p.keyword(splunk.And), triAnd)
}

func (p *splParser) whereNot() (eqlExpr, error) {
	if p.peek().kind == "word" && p.peek().text == splunk.Not {
		p.next()
		x, err := p.whereNot()
		if err != nil {
			return nil, err
		}
		return triNot(x), nil
	}
	t := p.next()
	switch {
	case t.kind == "(":
		e, err := p.whereOr()
		if err != nil {
			return nil, err
		}
		p.next()
		return e, nil
	case t.text == "isnotnull":
		p.next() // (
		field := splunk.UnquoteField(p.next().text)
		p.next() // )
		return func(ev map[string]string) tri {
			_, ok := ev[field]
			return triOf(ok)
		}, nil
	case t.text == "tonumber":
		p.next() // (
		field := splunk.UnquoteField(p.next().text)
		p.next() // )
		op, n := p.next().text, p.next().text
		b, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return nil, err
		}
		return func(ev map[string]string) tri {
			v, ok := ev[field]
			if !ok {
				return -1
			}
			a, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -1
			}
			switch op {
			case "=":
				return triOf(a == b)
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
	case t.text == "match":
		p.next() // (
		field := splunk.UnquoteField(p.next().text)
		p.next() // ,
		re, err := regexp.Compile(p.next().text)
		if err != nil {
			return nil, err
		}
		p.next() // )
		return func(ev map[string]string) tri {
			v, ok := ev[field]
			if !ok {
				return -1
			}
			return triOf(re.MatchString(v))
		}, nil
	}
	return nil, fmt.Errorf("unknown where term %q", t.text)
}

// globFold compares a value with a pattern whose * is a wildcard,
// ignoring case.
func globFold(pattern, v string) bool {
	if !strings.Contains(pattern, "*") {
		return strings.EqualFold(pattern, v)
	}
	re := "(?is)^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(v)
}

package agree_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A test-only interpreter of the SPL the splunk backend writes for one
// kind of event (Splunk Search Reference, "search" and "where"): search
// terms field=value (values compared without case, * a wildcard, \\ and
// \" the escapes of a quoted value), field IN (…), field=* , ordering of
// numbers, NOT, OR (binding tighter than the implied AND), parentheses;
// then "| where" with match(field, "re"), AND, OR, NOT and parentheses,
// where a missing field is null and the row is kept only when true.

type splTok struct{ kind, text string } // word, str, op, (, ), ",", |

func splLex(s string) []splTok {
	var out []splTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			out = append(out, splTok{"str", b.String()})
			i = j + 1
		case strings.IndexByte("(),|", c) >= 0:
			out = append(out, splTok{string(c), string(c)})
			i++
		case strings.IndexByte("=!<>", c) >= 0:
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			out = append(out, splTok{"op", s[i:j]})
			i = j
		default:
			j := i
			for j < len(s) && strings.IndexByte(" (),|=!<>\"", s[j]) < 0 {
				j++
			}
			out = append(out, splTok{"word", s[i:j]})
			i = j
		}
	}
	return out
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
	p := &splParser{toks: splLex(q)}
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
	return leftAssoc(p.searchNot, p.keyword("OR"), orPred)
}

func (p *splParser) searchNot() (func(map[string]string) bool, error) {
	if p.peek().text == "NOT" {
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
	if p.peek().text == "IN" {
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
	return leftAssoc(p.whereAnd, p.keyword("OR"), triOr)
}

func (p *splParser) whereAnd() (eqlExpr, error) {
	return leftAssoc(p.whereNot, p.keyword("AND"), triAnd)
}

func (p *splParser) whereNot() (eqlExpr, error) {
	if p.peek().text == "NOT" {
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
		field := strings.Trim(p.next().text, "'")
		p.next() // )
		return func(ev map[string]string) tri {
			_, ok := ev[field]
			return triOf(ok)
		}, nil
	case t.text == "tonumber":
		p.next() // (
		field := strings.Trim(p.next().text, "'")
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
		field := strings.Trim(p.next().text, "'")
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

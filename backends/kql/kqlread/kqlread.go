// Package kqlread reads the subset of KQL the kql backend writes, for its
// tests: an interpreter of "Table | where …" that evaluates the condition
// over a row as KQL does (the agreement tests). Its tokens, string
// literals and quoted names are lang/kql's, the lexer the writer's
// quoting is tested against. It follows docs/design/kql.md: =~ in~
// contains startswith endswith without case, == with it, matches regex as RE2 searching the
// value; a missing column reads as the empty string, todouble() of text
// that is no number is null, comparisons with null are null, and and, or
// and not() are three-valued (Kleene's), where keeping true only.
package kqlread

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/lang/kql"
)

// Query is a read "Table | where cond".
type Query struct {
	Table string
	cond  expr
}

// Keeps reports whether the query keeps a row (columns by name).
func (q Query) Keeps(row map[string]string) bool {
	return q.cond == nil || q.cond(row).b == yes
}

// Read reads a query of one table and an optional where.
func Read(q string) (Query, error) {
	toks, err := kql.Lex(q)
	if err != nil {
		return Query{}, err
	}
	p := &parser{toks: toks}
	out := Query{Table: p.next().Text}
	if t := toks[0]; t.Kind != kql.Name || !t.Quoted && kql.IsKeyword(t.Text) {
		p.fail("want a table, found %q", t.Text)
	}
	if p.peek("|") {
		p.next()
		if t := p.next(); t.Text != "where" {
			return out, fmt.Errorf("want where, found %q", t.Text)
		}
		out.cond = p.or()
	}
	if t := p.toks[p.pos]; p.err == nil && t.Kind != kql.EOF {
		p.err = fmt.Errorf("at %d: unexpected %q", t.Pos, t.Text)
	}
	return out, p.err
}

type tri int

const (
	null tri = iota
	no
	yes
)

// val is a string, a number, a truth value or null.
type val struct {
	s     string
	n     float64
	num   bool
	b     tri
	isNul bool
}

type expr func(map[string]string) val

type parser struct {
	toks []kql.Token // ending with one of kind EOF
	pos  int
	err  error
}

func (p *parser) next() kql.Token {
	t := p.toks[p.pos]
	if t.Kind == kql.EOF {
		p.fail("unexpected end")
		return t
	}
	p.pos++
	return t
}

// peek reports whether the next token is the operator or keyword text: a
// string literal or a quoted name is never one.
func (p *parser) peek(text string) bool {
	t := p.toks[p.pos]
	return (t.Kind == kql.Name && !t.Quoted || t.Kind == kql.Punct) && t.Text == text
}

func (p *parser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

func (p *parser) expect(text string) {
	if !p.peek(text) {
		p.fail("want %q, found %q", text, p.toks[p.pos].Text)
		return
	}
	p.next()
}

func (p *parser) or() expr {
	l := p.and()
	for p.peek("or") {
		p.next()
		a, b := l, p.and()
		l = func(r map[string]string) val { return logic(a(r).b, b(r).b, yes) }
	}
	return l
}

func (p *parser) and() expr {
	l := p.unary()
	for p.peek("and") {
		p.next()
		a, b := l, p.unary()
		l = func(r map[string]string) val { return logic(a(r).b, b(r).b, no) }
	}
	return l
}

// logic is Kleene's and (dominant no) and or (dominant yes).
func logic(a, b, dominant tri) val {
	switch {
	case a == dominant || b == dominant:
		return val{b: dominant}
	case a == null || b == null:
		return val{b: null}
	}
	return val{b: a}
}

func (p *parser) unary() expr {
	switch {
	case p.peek("not"):
		p.next()
		p.expect("(")
		x := p.or()
		p.expect(")")
		return func(r map[string]string) val {
			return val{b: map[tri]tri{yes: no, no: yes, null: null}[x(r).b]}
		}
	case p.peek("("):
		p.next()
		x := p.or()
		p.expect(")")
		return x
	case p.peek("isnotempty"):
		x := p.call()[0]
		return func(r map[string]string) val { v := x(r); return truth(!v.isNul && (v.num || v.s != "")) }
	case p.peek("ipv4_is_in_range"):
		args := p.call()
		if p.peek("==") { // == true: null == true is false
			p.next()
			p.expect("true")
			in := p.inRange(args)
			return func(r map[string]string) val { return truth(in(r).b == yes) }
		}
		return p.inRange(args)
	}
	return p.compare()
}

// inRange is ipv4_is_in_range(address, block): null unless both parse.
func (p *parser) inRange(args []expr) expr {
	if len(args) != 2 {
		p.fail("ipv4_is_in_range takes two arguments")
		return func(map[string]string) val { return val{} }
	}
	return func(r map[string]string) val {
		a, err1 := netip.ParseAddr(args[0](r).s)
		b, err2 := netip.ParsePrefix(args[1](r).s)
		if err1 != nil || err2 != nil || !a.Is4() {
			return val{b: null}
		}
		return truth(b.Contains(a))
	}
}

func truth(b bool) val {
	if b {
		return val{b: yes}
	}
	return val{b: no}
}

// call reads f(args…) and gives its arguments.
func (p *parser) call() []expr {
	p.next()
	p.expect("(")
	var args []expr
	for p.err == nil {
		args = append(args, p.operand())
		if !p.peek(",") {
			break
		}
		p.next()
	}
	p.expect(")")
	return args
}

func (p *parser) operand() expr {
	t := p.next()
	switch {
	case t.Kind == kql.String:
		return func(map[string]string) val { return val{s: t.Text} }
	case t.Kind == kql.Number || t.Kind == kql.Punct && t.Text == "-":
		if t.Kind == kql.Punct {
			if t = p.next(); t.Kind != kql.Number {
				p.fail("want a number after -, found %q", t.Text)
			}
			t.Text = "-" + t.Text
		}
		n, err := strconv.ParseFloat(t.Text, 64)
		if err != nil {
			p.fail("bad number %q", t.Text)
		}
		return func(map[string]string) val { return val{n: n, num: true} }
	case t.Kind == kql.Name && !t.Quoted && t.Text == "todouble":
		p.pos--
		x := p.call()[0]
		return func(r map[string]string) val {
			n, err := strconv.ParseFloat(strings.TrimSpace(x(r).s), 64)
			return val{n: n, num: true, isNul: err != nil}
		}
	case t.Kind == kql.Name && (t.Quoted || !kql.IsKeyword(t.Text)):
		return func(r map[string]string) val { return val{s: r[t.Text]} }
	}
	p.fail("unexpected %q", t.Text)
	return func(map[string]string) val { return val{} }
}

func (p *parser) compare() expr {
	l := p.operand()
	t := p.next()
	op := t.Text
	if t.Kind == kql.String || t.Quoted {
		op = "" // a literal or a name is no operator
	}
	if op == "matches" {
		p.expect("regex")
	}
	if op == "in~" || op == "in" {
		args := p.call0()
		return func(r map[string]string) val {
			v := l(r).s
			for _, a := range args {
				if a(r).s == v || op == "in~" && strings.EqualFold(a(r).s, v) {
					return val{b: yes}
				}
			}
			return val{b: no}
		}
	}
	if !map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "=~": true,
		"contains": true, "startswith": true, "endswith": true, "matches": true}[op] {
		p.fail("unknown operator %q", op)
	}
	rhs := p.operand()
	var re *regexp.Regexp
	if op == "matches" {
		re, _ = regexp.Compile(rhs(nil).s)
		if re == nil {
			p.fail("bad regular expression %q", rhs(nil).s)
		}
	}
	lower := strings.ToLower
	return func(r map[string]string) val {
		a, b := l(r), rhs(r)
		if a.isNul || b.isNul {
			return val{b: null}
		}
		if a.num != b.num {
			return val{b: null} // KQL refuses such a query; never written
		}
		if a.num {
			return truth(map[string]bool{"==": a.n == b.n, "!=": a.n != b.n, "<": a.n < b.n, "<=": a.n <= b.n, ">": a.n > b.n, ">=": a.n >= b.n}[op])
		}
		switch op {
		case "==":
			return truth(a.s == b.s)
		case "=~":
			return truth(strings.EqualFold(a.s, b.s))
		case "contains":
			return truth(strings.Contains(lower(a.s), lower(b.s)))
		case "startswith":
			return truth(strings.HasPrefix(lower(a.s), lower(b.s)))
		case "endswith":
			return truth(strings.HasSuffix(lower(a.s), lower(b.s)))
		}
		return truth(re != nil && re.MatchString(a.s)) // matches regex
	}
}

// call0 reads a parenthesised list after in or in~.
func (p *parser) call0() []expr {
	p.pos--
	return p.call()
}

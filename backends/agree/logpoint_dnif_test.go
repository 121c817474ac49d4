package agree_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A test-only interpreter of the LogPoint queries the logpoint backend
// writes (docs/design/logpoint.md): terms field="v" or 'v' (no escapes,
// compared without case, * and ? wildcards), field=*, field IN [..],
// ordering of numbers, "-" negation, OR (binding tighter than the implied
// AND), parentheses; then | process regex("re", field, "filter=true")
// filters.
func parseLogPoint(q string) (func(map[string]string) bool, error) {
	parts := strings.Split(q, " | ")
	p := &splParser{toks: lpLex(parts[0])}
	search, err := p.lpAnd()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	var filters []func(map[string]string) bool
	for _, pipe := range parts[1:] {
		m := regexp.MustCompile(`^process regex\("(.*)", ([A-Za-z_0-9]+), "filter=true"\)$`).FindStringSubmatch(pipe)
		if m == nil {
			return nil, fmt.Errorf("unknown pipe %q", pipe)
		}
		re, err := regexp.Compile(m[1])
		if err != nil {
			return nil, err
		}
		field := m[2]
		filters = append(filters, func(ev map[string]string) bool {
			v, ok := ev[field]
			return ok && re.MatchString(v)
		})
	}
	return func(ev map[string]string) bool {
		if !search(ev) {
			return false
		}
		for _, f := range filters {
			if !f(ev) {
				return false
			}
		}
		return true
	}, nil
}

func lpLex(s string) []splTok {
	var out []splTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c) + i + 1
			out = append(out, splTok{"str", s[i+1 : j]})
			i = j + 1
		case strings.IndexByte("()[],-", c) >= 0:
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
			for j < len(s) && strings.IndexByte(" ()[],=!<>\"'", s[j]) < 0 {
				j++
			}
			out = append(out, splTok{"word", s[i:j]})
			i = j
		}
	}
	return out
}

func (p *splParser) lpAnd() (func(map[string]string) bool, error) {
	return allOf(func() bool { return p.peek().kind == "" || p.peek().kind == ")" }, p.lpOr)
}

func (p *splParser) lpOr() (func(map[string]string) bool, error) {
	return leftAssoc(p.lpNot, p.keyword("OR"), orPred)
}

func (p *splParser) lpNot() (func(map[string]string) bool, error) {
	t := p.next()
	switch t.kind {
	case "-":
		x, err := p.lpNot()
		if err != nil {
			return nil, err
		}
		return func(ev map[string]string) bool { return !x(ev) }, nil
	case "(":
		e, err := p.lpAnd()
		if err != nil {
			return nil, err
		}
		p.next()
		return e, nil
	}
	field := t.text
	if p.peek().text == "IN" {
		p.next()
		p.next() // [
		var vals []string
		for {
			vals = append(vals, p.next().text)
			if n := p.next(); n.kind == "]" {
				break
			}
		}
		return func(ev map[string]string) bool {
			v, ok := ev[field]
			if !ok {
				return false
			}
			for _, w := range vals {
				if lpGlob(w, v) {
					return true
				}
			}
			return false
		}, nil
	}
	op, val := p.next(), p.next()
	return func(ev map[string]string) bool {
		v, ok := ev[field]
		if !ok {
			return false
		}
		if op.text == "=" {
			return lpGlob(val.text, v)
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

// lpGlob is LogPoint's value match: * any run, ? one character, no case.
func lpGlob(pattern, v string) bool {
	re := regexp.QuoteMeta(pattern)
	re = strings.ReplaceAll(strings.ReplaceAll(re, `\*`, ".*"), `\?`, ".")
	return regexp.MustCompile("(?is)^" + re + "$").MatchString(v)
}

// A test-only interpreter of the DNIF queries the dnif backend writes
// (docs/design/dnif.md): one or more labelled fetches (their union), each
// "where" a chain of $F=value (equal, with case) or $F=regex(re) (a
// search, i for no case) terms joined by AND and by NOT ("and not").
func parseDNIF(q string) (func(map[string]string) bool, error) {
	var fetches []func(map[string]string) bool
	fetchRE := regexp.MustCompile(`^_fetch \* from event where (.*?)(?: as #[A-Z])? limit \d+$`)
	termRE := regexp.MustCompile(`^(AND|NOT) ([$@][A-Za-z_.]+)=(regex\((.*)\)(i?)|(\S+))$`)
	for _, f := range strings.Split(q, "\n>>") {
		m := fetchRE.FindStringSubmatch(f)
		if m == nil {
			return nil, fmt.Errorf("not a fetch: %s", f)
		}
		// Split the chain at " AND " and " NOT " outside regex(…).
		chain := "AND " + m[1]
		var terms []string
		depth, start := 0, 0
		for i := 0; i < len(chain); i++ {
			switch {
			case chain[i] == '\\':
				i++
			case chain[i] == '(':
				depth++
			case chain[i] == ')':
				depth--
			case depth == 0 && i > start && (strings.HasPrefix(chain[i:], " AND ") || strings.HasPrefix(chain[i:], " NOT ")):
				terms = append(terms, chain[start:i])
				start = i + 1
			}
		}
		terms = append(terms, chain[start:])
		var tests []func(map[string]string) bool
		for _, t := range terms {
			tm := termRE.FindStringSubmatch(t)
			if tm == nil {
				return nil, fmt.Errorf("not a term: %q", t)
			}
			field := strings.TrimPrefix(tm[2], "$") // a raw field keeps its @, as the profile names it
			neg := tm[1] == "NOT"
			var test func(string) bool
			if tm[4] != "" || strings.HasPrefix(tm[3], "regex(") {
				flags := ""
				if tm[5] == "i" {
					flags = "(?i)"
				}
				re, err := regexp.Compile(flags + tm[4])
				if err != nil {
					return nil, err
				}
				test = re.MatchString
			} else {
				plain := tm[6]
				test = func(v string) bool { return v == plain }
			}
			tests = append(tests, func(ev map[string]string) bool {
				v, ok := ev[field]
				hit := ok && test(v)
				return hit != neg
			})
		}
		fetches = append(fetches, func(ev map[string]string) bool {
			for _, t := range tests {
				if !t(ev) {
					return false
				}
			}
			return true
		})
	}
	return func(ev map[string]string) bool {
		for _, f := range fetches {
			if f(ev) {
				return true
			}
		}
		return false
	}, nil
}

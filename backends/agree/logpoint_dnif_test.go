package agree_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A test-only interpreter of the LogPoint queries the logpoint backend
// writes (docs/design/logpoint.md): terms field="v" or 'v' (no escapes,
// compared without case, * and ? wildcards), field=*, field IN [..],
// ordering of numbers, "-" negation, OR (binding tighter than the implied
// AND), parentheses; then the pipes, in order: | process regex("re",
// field, "filter=true") filters (Python's search: anywhere in the value);
// | process regex("(?P<name>re)", field) adds the field name with the
// match, when there is one; | process eval("c=case(isnotnull(m) ->
// 'true', 'false')") sets c; | search <terms> filters again.
func parseLogPoint(q string) (func(map[string]string) bool, error) {
	parts := strings.Split(q, " | ")
	search, err := lpSearch(parts[0])
	if err != nil {
		return nil, err
	}
	type stage func(ev map[string]string) bool // may add fields
	stages := []stage{search}
	filterRE := regexp.MustCompile(`^process regex\("(.*)", ([A-Za-z_0-9]+), "filter=true"\)$`)
	namedRE := regexp.MustCompile(`^process regex\("(.*)", ([A-Za-z_0-9]+)\)$`)
	evalRE := regexp.MustCompile(`^process eval\("([a-z_0-9]+)=case\(isnotnull\(([a-z_0-9]+)\) -> 'true', 'false'\)"\)$`)
	for _, pipe := range parts[1:] {
		if m := filterRE.FindStringSubmatch(pipe); m != nil {
			re, err := regexp.Compile(m[1])
			if err != nil {
				return nil, err
			}
			field := m[2]
			stages = append(stages, func(ev map[string]string) bool {
				v, ok := ev[field]
				return ok && re.MatchString(v)
			})
			continue
		}
		if m := namedRE.FindStringSubmatch(pipe); m != nil {
			re, err := regexp.Compile(m[1])
			if err != nil {
				return nil, err
			}
			field := m[2]
			stages = append(stages, func(ev map[string]string) bool {
				v, ok := ev[field]
				if !ok {
					return true
				}
				if sub := re.FindStringSubmatch(v); sub != nil {
					for i, name := range re.SubexpNames() {
						if name != "" {
							ev[name] = sub[i]
						}
					}
				}
				return true
			})
			continue
		}
		if m := evalRE.FindStringSubmatch(pipe); m != nil {
			set, from := m[1], m[2]
			stages = append(stages, func(ev map[string]string) bool {
				_, ok := ev[from]
				ev[set] = map[bool]string{true: "true", false: "false"}[ok]
				return true
			})
			continue
		}
		if rest, ok := strings.CutPrefix(pipe, "search "); ok {
			s, err := lpSearch(rest)
			if err != nil {
				return nil, err
			}
			stages = append(stages, s)
			continue
		}
		return nil, fmt.Errorf("unknown pipe %q", pipe)
	}
	return func(ev map[string]string) bool {
		ev = maps.Clone(ev) // the pipes add fields
		for _, s := range stages {
			if !s(ev) {
				return false
			}
		}
		return true
	}, nil
}

// lpSearch reads the terms of a search.
func lpSearch(q string) (func(map[string]string) bool, error) {
	p := &splParser{toks: lpLex(q)}
	search, err := p.lpAnd()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	return search, nil
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
			// A field of several values (label) matches when one does.
			return slices.ContainsFunc(strings.Split(v, "\x00"), func(v string) bool { return lpGlob(val.text, v) })
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
// search, i for no case) terms joined by AND and by NOT ("and not");
// then _checkif filters (DNIF "_checkif"): int_compare $F op n, which a
// row without an integer F does not satisfy, and key_exists $F, which a
// row satisfies when F is missing or empty; include keeps the rows that
// satisfy it, exclude the others.
func parseDNIF(q string) (func(map[string]string) bool, error) {
	var fetches, checks []func(map[string]string) bool
	checkRE := regexp.MustCompile(`^_checkif (?:int_compare \$([A-Za-z_]+) (<=|>=|<|>|=|!=) (-?\d+)|key_exists \$([A-Za-z_]+)) (include|exclude)$`)
	fetchRE := regexp.MustCompile(`^_fetch \* from event where (.*?)(?: as #[A-Z])? limit \d+$`)
	termRE := regexp.MustCompile(`^(AND|NOT) ([$@][A-Za-z_.]+)=(regex\((.*)\)(i?)|(\S+))$`)
	for _, f := range strings.Split(q, "\n>>") {
		if c := checkRE.FindStringSubmatch(f); c != nil {
			field, op, n, exists, include := c[1], c[2], c[3], c[4], c[5] == "include"
			checks = append(checks, func(ev map[string]string) bool {
				var holds bool
				if exists != "" {
					holds = ev[exists] == "" // missing or empty
				} else if v, err := strconv.ParseInt(ev[field], 10, 64); err == nil {
					b, _ := strconv.ParseInt(n, 10, 64)
					holds = map[string]bool{"<": v < b, "<=": v <= b, ">": v > b, ">=": v >= b, "=": v == b, "!=": v != b}[op]
				}
				return holds == include
			})
			continue
		}
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
		for _, c := range checks {
			if !c(ev) {
				return false
			}
		}
		for _, f := range fetches {
			if f(ev) {
				return true
			}
		}
		return false
	}, nil
}

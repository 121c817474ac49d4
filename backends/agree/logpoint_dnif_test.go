package agree_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/lang/dnif"
	"github.com/cartrans/cartrans/lang/logpoint"
)

// A test-only interpreter of the LogPoint queries the logpoint backend
// writes (docs/design/logpoint.md), over lang/logpoint's tokens and
// keywords: terms field="v" or 'v' (no escapes, compared without case, *
// and ? wildcards), field=*, field IN [..], ordering of numbers, "-"
// negation, OR (binding tighter than the implied AND), parentheses; then
// the pipes, in order: | process regex("re", field, "filter=true")
// filters (Python's search: anywhere in the value); | process
// regex("(?P<name>re)", field) adds the field name with the match, when
// there is one; | process eval("c=case(isnotnull(m) -> 'true', 'false')")
// sets c; | search <terms> filters again.
func parseLogPoint(q string) (func(map[string]string) bool, error) {
	toks, err := termToks(logpoint.Lex(q))
	if err != nil {
		return nil, err
	}
	var parts [][]splTok
	start := 0
	for i, t := range toks {
		if t.kind == "|" {
			parts = append(parts, toks[start:i])
			start = i + 1
		}
	}
	parts = append(parts, toks[start:])
	search, err := lpSearch(parts[0])
	if err != nil {
		return nil, err
	}
	type stage func(ev map[string]string) bool // may add fields
	stages := []stage{search}
	evalRE := regexp.MustCompile(`^([a-z_0-9]+)=case\(isnotnull\(([a-z_0-9]+)\) -> 'true', 'false'\)$`)
	for _, pipe := range parts[1:] {
		kinds := ""
		for _, t := range pipe {
			kinds += " " + t.kind
		}
		switch {
		case len(pipe) > 1 && logpoint.IsWord(pipe[0].text, "search"):
			s, err := lpSearch(pipe[1:])
			if err != nil {
				return nil, err
			}
			stages = append(stages, s)
		case kinds == " word word ( str , word , str )" && pipe[1].text == "regex" && pipe[7].text == "filter=true",
			kinds == " word word ( str , word )" && pipe[1].text == "regex":
			re, err := regexp.Compile(pipe[3].text)
			if err != nil {
				return nil, err
			}
			field, filter := pipe[5].text, len(pipe) == 9
			stages = append(stages, func(ev map[string]string) bool {
				v, ok := ev[field]
				if filter {
					return ok && re.MatchString(v)
				}
				if sub := re.FindStringSubmatch(v); ok && sub != nil {
					for i, name := range re.SubexpNames() {
						if name != "" {
							ev[name] = sub[i]
						}
					}
				}
				return true
			})
		case kinds == " word word ( str )" && pipe[1].text == "eval" && evalRE.MatchString(pipe[3].text):
			m := evalRE.FindStringSubmatch(pipe[3].text)
			set, from := m[1], m[2]
			stages = append(stages, func(ev map[string]string) bool {
				_, ok := ev[from]
				ev[set] = map[bool]string{true: "true", false: "false"}[ok]
				return true
			})
		default:
			return nil, fmt.Errorf("unknown pipe %v", pipe)
		}
		if !logpoint.IsWord(pipe[0].text, "search", "process") {
			return nil, fmt.Errorf("unknown command %q", pipe[0].text)
		}
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
func lpSearch(toks []splTok) (func(map[string]string) bool, error) {
	p := &splParser{toks: toks}
	search, err := p.lpAnd()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	return search, nil
}

func (p *splParser) lpAnd() (func(map[string]string) bool, error) {
	return allOf(func() bool { return p.peek().kind == "" || p.peek().kind == ")" }, p.lpOr)
}

func (p *splParser) lpOr() (func(map[string]string) bool, error) {
	return leftAssoc(p.lpNot, func() bool {
		if t := p.peek(); t.kind == "word" && logpoint.IsWord(t.text, logpoint.Or) {
			p.next()
			return true
		}
		return false
	}, orPred)
}

func (p *splParser) lpNot() (func(map[string]string) bool, error) {
	t := p.next()
	if rest, neg := logpoint.Negated(t.text); t.kind == "word" && neg {
		// -field=…, or a lone - before a group or a quoted field.
		if rest != "" {
			p.i--
			p.toks[p.i] = splTok{"word", rest}
		}
		t = splTok{"-", "-"}
	}
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
	if p.peek().kind == "word" && logpoint.IsWord(p.peek().text, logpoint.In) {
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
// (docs/design/dnif.md), over lang/dnif's tokens: one or more labelled
// fetches (their union), each "where" a chain of $F=value (equal, with
// case) or $F=regex(re) (a search, i for no case) terms joined by AND and
// by NOT ("and not"); then _checkif filters (DNIF "_checkif"):
// int_compare $F op n, which a row without an integer F does not satisfy,
// and key_exists $F, which a row satisfies when F is missing or empty;
// include keeps the rows that satisfy it, exclude the others.
func parseDNIF(q string) (func(map[string]string) bool, error) {
	toks, err := dnif.Lex(q)
	if err != nil {
		return nil, err
	}
	var fetches, checks []func(map[string]string) bool
	checkRE := regexp.MustCompile(`^_checkif (?:int_compare \$([A-Za-z_]+) (<=|>=|<|>|=|!=) (-?\d+)|key_exists \$([A-Za-z_]+)) (include|exclude)$`)
	for len(toks) > 0 && toks[0].Kind != dnif.EOF {
		end := slices.IndexFunc(toks, func(t dnif.Token) bool { return t.Kind == dnif.PipeTok || t.Kind == dnif.EOF })
		stage, next := toks[:end], toks[end:]
		if next[0].Kind == dnif.PipeTok {
			next = next[1:]
		}
		toks = next
		text := q[stage[0].Pos:stage[len(stage)-1].End]
		if c := checkRE.FindStringSubmatch(text); c != nil {
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
		tests, err := dnifFetch(stage)
		if err != nil {
			return nil, fmt.Errorf("%v: %s", err, text)
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

// dnifFetch reads "_fetch * from event where <terms> [as #L] limit N"
// into the tests of its terms.
func dnifFetch(stage []dnif.Token) ([]func(map[string]string) bool, error) {
	word := func(i int, w string) bool {
		return i < len(stage) && stage[i].Kind == dnif.Word && stage[i].Text == w
	}
	for i, w := range []string{"_fetch", "*", "from", "event", "where"} {
		if !word(i, w) {
			return nil, fmt.Errorf("not a fetch")
		}
	}
	var tests []func(map[string]string) bool
	i := 5
	for i < len(stage) && !word(i, "as") && !word(i, "limit") {
		neg := false
		if len(tests) > 0 || word(i, dnif.Not) {
			if !word(i, dnif.And) && !word(i, dnif.Not) {
				return nil, fmt.Errorf("AND or NOT expected at %d", stage[i].Pos)
			}
			neg = stage[i].Text == dnif.Not
			i++
		}
		if i+2 >= len(stage) || stage[i].Kind != dnif.Field || stage[i+1].Kind != dnif.Op || stage[i+1].Text != "=" {
			return nil, fmt.Errorf("not a term at %d", stage[min(i, len(stage)-1)].Pos)
		}
		field := strings.TrimPrefix(stage[i].Text, "$") // a raw field keeps its @, as the profile names it
		v := stage[i+2]
		i += 3
		var test func(string) bool
		switch v.Kind {
		case dnif.Regex:
			flags := ""
			if v.Fold {
				flags = "(?i)"
			}
			re, err := regexp.Compile(flags + v.Text)
			if err != nil {
				return nil, err
			}
			test = re.MatchString
		case dnif.Word, dnif.Str:
			test = func(s string) bool { return s == v.Text }
		default:
			return nil, fmt.Errorf("not a value at %d", v.Pos)
		}
		tests = append(tests, func(ev map[string]string) bool {
			s, ok := ev[field]
			hit := ok && test(s)
			return hit != neg
		})
	}
	return tests, nil
}

// Package logpoint translates lowered queries into LogPoint's search query
// language. The rules followed, with their sources, are in
// docs/design/logpoint.md; the main ones are cited beside the table.
package logpoint

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/lang"
	lp "github.com/cartrans/cartrans/lang/logpoint"
	"github.com/cartrans/cartrans/profile"
)

var profiles = backends.EmbeddedProfiles(embeddedProfiles)

// bareField is a field name written bare (pySigma LogPoint backend,
// escape_and_quote_field: ^[\w.]+$).
var bareField = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// fieldName writes a field name bare, or in double quotes when it is not
// a plain name or is a keyword in any case (lp.IsKeyword: the operators,
// not among them, and the commands; pySigma's logpoint_keywords).
func fieldName(name string) (string, error) {
	if bareField.MatchString(name) && !lp.IsKeyword(name) {
		return name, nil
	}
	if strings.ContainsAny(name, "\"\n\r") {
		return "", fmt.Errorf("a LogPoint field name cannot hold quotes or line breaks")
	}
	return `"` + name + `"`, nil
}

// literal writes a value as lang/logpoint's Quote does: backslashes as
// they are, "…" or '…', no control character (Sigma issue 3200; pySigma
// LogPoint PR 15).
func literal(s string, _ bool) (string, error) { return lp.Quote(s) }

// Language is LogPoint's search language. Terms side by side are ANDed,
// OR binds tighter than that AND (pySigma LogPoint: precedence NOT, OR,
// AND), so every group is parenthesised; "-" negates a term and, as a set
// complement, keeps events without the field (inferred from LogPoint's
// issue 36); values compare case-insensitively ("search keywords are not
// case-sensitive") with * and ? as wildcards.
var Language = &backends.Language{
	Name:  "logpoint",
	And:   " ",
	Or:    " OR ",
	Not:   lp.Negation,
	Open:  "(",
	Close: ")",
	// "-" binds tightest; AND and OR at one level, so every OR group and
	// every AND group under OR is parenthesised (docs/design/logpoint.md
	// §1, precedence).
	Prec:           backends.Precedence{Or: 1, And: 1, Not: 2},
	Literal:        literal,
	FieldName:      fieldName,
	Match:          `{f}={v}`,
	AnyChar:        "?", // one character (docs/design/logpoint.md §2, PSL-be wildcard_single)
	NumEq:          `{f}={n}`,
	Compare:        `{f} {op} {n}`,
	Exists:         `{f}=*`,
	AnyOf:          `{f} IN [{vs}]`,
	ListSep:        ", ",
	AnyOfWildcards: true,
}

// Backend is the LogPoint backend: its table.
type Backend = backends.Target[spec]

type spec struct{}

func (spec) Table() *backends.Table { return table }

var table = &backends.Table{Name: "logpoint", Profiles: profiles, Queries: func(*profile.Profile) *backends.Queries { return queries }}

// queries drives each kind of query. LogPoint has joins ("join",
// "followed by … within … on"), but no source this backend follows shows
// their grammar: pySigma's LogPoint backend writes none, CAR's LogPoint
// queries use none, and LogPoint's manual pages on them are not among the
// references (docs/design/logpoint.md §5). A join written from memory
// could read right and be wrong, so it is refused until checked. A count
// of groups is "| chart count() as n by k | search n > 5" (LogPoint's
// chart and search commands; CAR-2013-04-002's LogPoint query has this
// shape); other aggregates over the event's time are not written:
// LogPoint's name for it is not among the sources.
var queries = &backends.Queries{Search: search,
	Join: &backends.Join{Check: func(q ir.Query, p *profile.Profile) error {
		return &backends.Unsupported{Construct: "join", Backend: "logpoint", Pos: q.Pos,
			Reason: "LogPoint's join and followed-by grammar is not in the sources this backend follows (docs/design/logpoint.md §5)"}
	}},
	Aggregate: &backends.Aggregate{
		Check: func(q ir.Query, p *profile.Profile) error {
			if err := backends.OneCount(q, p, false, ""); err != nil {
				return err
			}
			if as := q.Aggregate.Items[0].As; !plainRE.MatchString(as) {
				return &backends.Unsupported{Construct: "the column name " + as, Kind: "a column name", Backend: "logpoint", Pos: q.Pos}
			}
			return nil
		},
		Write: func(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []backends.EventCond, r *backends.Result) error {
			return count.Write(q, agg, p, Language, events, r)
		}}}

var count = backends.CountPipe{Pipe: " | chart count() as {as}", By: " by {keys}", Having: " | search {c}"}

// search writes a query over the events of q, and gives them as mapped
// too: a count's groups are fields of those events. A value a profile
// maps into a part of a field (a base name, a directory, a host name's
// first label) that needs a regular expression to be exact gets one:
// LogPoint has them (process regex), so the wildcard that would cross a
// separator is never written.
func search(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	var pipes []string
	named := false
	s := backends.Search{Lang: Language, Selector: selector,
		Prepare: func(_ *profile.Profile, events []backends.EventCond, r *backends.Result) error {
			var err error
			named, err = regexps(events, &pipes, r)
			return err
		},
		Frame: func(_ ir.Query, _ *profile.Profile, groups []backends.Group, r *backends.Result) error {
			g := groups[0]
			r.Query = g.Expr.Text
			if named {
				// The events are selected first; the matches are named on
				// them, and the whole condition is searched after.
				if slices.ContainsFunc(g.Sels, backends.Expr.Empty) {
					return &backends.Unsupported{Construct: "a regular expression under an or or a not, over events the profile does not select", Backend: "logpoint", Pos: q.Pos,
						Reason: "process regex(…) works on the events a search found, and the profile gives no selector to find them"}
				}
				r.Query = Language.OrOf(g.Sels...).Text + " | " + strings.Join(pipes, " | ") + " | search " + r.Query
				return nil
			}
			for _, pipe := range pipes {
				r.Query += " | " + pipe
			}
			return nil
		}}
	return s.Run(q, p)
}

// regexps takes the regular expressions out of the events' conditions
// into pipes, and rewrites what else the search cannot say (rewrite). A
// match its values cannot say (a literal * or ?, case: no escape, and
// "field=value" ignores case; docs/design/logpoint.md §2) is a regular
// expression, which LogPoint's regex filter says exactly. A regular
// expression that is a term of the top-level and is a filter after the
// search; one under an or or a not, or over several kinds of event, is a
// named match that the search then tests (named).
func regexps(events []backends.EventCond, pipes *[]string, r *backends.Result) (named bool, err error) {
	for i := range events {
		events[i].Cond = ir.MapLeaves(events[i].Cond, func(c ir.Cond) ir.Cond {
			if m, ok := c.(ir.Match); ok && !m.Value.IsNum && !Language.Writes(m.Value) {
				return ir.Regexp{Field: m.Field, Pattern: backends.PatternRegexp(m.Value)}
			}
			return c
		})
	}
	for _, ev := range events {
		cond, regexes := splitRegexps(ev.Cond)
		named = named || hasRegexp(cond) || len(regexes) > 0 && len(events) > 1
	}
	for i := range events {
		cond := events[i].Cond
		if named {
			cond, err = nameRegexps(cond, pipes)
		} else {
			var regexes []ir.Regexp
			cond, regexes = splitRegexps(cond)
			for _, re := range regexes {
				pipe, perr := regexPipe(re)
				if perr != nil && err == nil {
					err = perr
				}
				*pipes = append(*pipes, pipe)
			}
		}
		if err != nil {
			return named, err
		}
		if events[i].Cond, err = rewrite(cond, r); err != nil {
			return named, err
		}
	}
	return named, nil
}

func hasRegexp(c ir.Cond) bool {
	found := false
	ir.Walk(c, func(c ir.Cond) {
		if _, ok := c.(ir.Regexp); ok {
			found = true
		}
	})
	return found
}

// nameRegexps replaces each regular expression test with a test of a
// field the pipes add: the form LogPoint's own Sigma backend writes for a
// regular expression anywhere in a condition (docs/design/logpoint.md
// §2, "regex", generation 2): process regex("(?P<m>re)", f) names the
// match, process eval sets c to 'true' when there is one and 'false'
// otherwise (an event without f included), and the search tests
// c="true". So the test is two-valued, as the pseudocode's: under a "-"
// it keeps the events that lack f.
func nameRegexps(c ir.Cond, pipes *[]string) (ir.Cond, error) {
	var err error
	out := ir.MapLeaves(c, func(c ir.Cond) ir.Cond {
		re, ok := c.(ir.Regexp)
		if !ok || err != nil {
			return c
		}
		n := len(*pipes)/2 + 1
		match, test := fmt.Sprintf("cartrans_re%d", n), fmt.Sprintf("cartrans_re%d_true", n)
		var pipe string
		if pipe, err = namedPipe(re, match); err != nil {
			return c
		}
		*pipes = append(*pipes, pipe, `process eval("`+test+`=case(isnotnull(`+match+`) -> 'true', 'false')")`)
		return ir.Match{Field: ir.Field{Name: test, Pos: re.Field.Pos}, Value: ir.Value{Str: "true", Quoted: true, Pos: re.Field.Pos}}
	})
	return out, err
}

// namedPipe writes process regex("(?P<name>re)", field): the match, if
// any, becomes the field name. Flags that open the expression stay in
// front of the group, where Python takes them.
func namedPipe(c ir.Regexp, name string) (string, error) {
	pipe, err := regexPipe(c)
	if err != nil {
		return "", err
	}
	// regexPipe checked the expression and the field; rewrite its form.
	body, field, _ := strings.Cut(strings.TrimPrefix(strings.TrimSuffix(pipe, `, "filter=true")`), `process regex("`), `", `)
	flags := ""
	if i := flagGroupRE.FindStringIndex(body); i != nil && i[0] == 0 {
		flags, body = body[:i[1]], body[i[1]:]
	}
	return `process regex("` + flags + `(?P<` + name + `>` + body + `)", ` + field + `)`, nil
}

// splitRegexps takes the regular expressions that are terms of the
// condition's top-level and out of it: each becomes a filter after the
// search. One under an or or a not stays (search names it instead).
func splitRegexps(c ir.Cond) (ir.Cond, []ir.Regexp) {
	terms := []ir.Cond{c}
	if a, ok := c.(ir.And); ok {
		terms = a.Terms
	}
	var rest []ir.Cond
	var regexes []ir.Regexp
	for _, t := range terms {
		if re, ok := t.(ir.Regexp); ok {
			regexes = append(regexes, re)
		} else if t != nil {
			rest = append(rest, t)
		}
	}
	if len(regexes) == 0 {
		return c, nil
	}
	var cond ir.Cond
	for _, t := range rest {
		cond = ir.AndOf(cond, t)
	}
	return cond, regexes
}

// regexPipe writes a regular expression test as the filter pySigma's
// LogPoint backend writes, process regex("p", field, "filter=true"),
// which keeps the events whose field the expression matches anywhere
// (the backend's tests: 'fieldB="foo" | process regex("foo.*bar",
// fieldA, "filter=true")'). LogPoint's expressions are Python's (named
// groups are (?P<…>)), so the RE2 constructs Python lacks are refused;
// a quote or a control character in the expression is written as the
// escape \xNN (\uNNNN past ASCII: U+2028), which means the same character
// to Python's re ("Regular Expression Syntax": \x, \u and \U) and cannot
// end the string.
func regexPipe(c ir.Regexp) (string, error) {
	pattern, err := pythonPattern(c.Pattern)
	if err != nil {
		return "", &backends.Unsupported{Construct: "the regular expression " + strconv.Quote(c.Pattern), Kind: "a regular expression the language cannot write", Backend: "logpoint", Pos: c.Field.Pos, Reason: err.Error()}
	}
	field := backends.Name(c.Field)
	name, err := Language.FieldName(field)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(name, `"`) {
		return "", &backends.Unsupported{Construct: "a regular expression on the field " + field, Kind: "a regular expression on a rewritten field", Backend: "logpoint", Pos: c.Field.Pos,
			Reason: "process regex(…) takes a bare field name, and " + field + " is a keyword or not a plain name"}
	}
	return `process regex("` + pattern + `", ` + name + `, "filter=true")`, nil
}

// pythonPattern writes an RE2 expression for Python's re, or says which
// construct Python reads differently or not at all.
func pythonPattern(p string) (string, error) {
	if strings.Contains(p, "[[:") {
		return "", fmt.Errorf("Python's regular expressions have no POSIX classes ([[:alpha:]])")
	}
	// Escapes are read in pairs: in \\P the P follows an escaped
	// backslash, and is a letter.
	for i := 0; i+1 < len(p); i++ {
		if p[i] != '\\' {
			continue
		}
		why := map[byte]string{'p': "Unicode classes (\\p{…})", 'P': "Unicode classes (\\P{…})", 'z': "\\z", 'Q': "\\Q…\\E quoting", 'C': "\\C"}[p[i+1]]
		if p[i+1] == 'x' && strings.HasPrefix(p[i+2:], "{") {
			why = "\\x{…}"
		}
		if why != "" {
			return "", fmt.Errorf("Python's regular expressions have no %s", why)
		}
		i++
	}
	if i := flagGroupRE.FindStringIndex(p); i != nil && i[0] > 0 {
		return "", fmt.Errorf("Python takes inline flags only at the start of the expression")
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && (p[i+1] == '"' || p[i+1] < 0x20 || p[i+1] == 0x7f):
			fmt.Fprintf(&b, `\x%02x`, p[i+1]) // \" is a quote
			i++
		case c == '\\' && i+1 < len(p):
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
		case c == '"' || c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(p[i:])
			switch {
			case profile.IsControl(r) && r > 0xffff:
				fmt.Fprintf(&b, `\U%08x`, r)
			case profile.IsControl(r):
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteString(p[i : i+size])
			}
			i += size - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// flagGroupRE finds an inline flag group that sets flags for the rest of
// the expression, (?i) or (?is), as opposed to a scoped one, (?i:…).
var flagGroupRE = regexp.MustCompile(`\(\?[imsU-]+\)`)

// rewrite says what LogPoint's language cannot say directly: an address
// block on a byte boundary is a prefix wildcard (10.0.0.0/8 is "10.*"),
// as pySigma's LogPoint backend writes it; a literal "?" in a value is a
// LogPoint wildcard and cannot be escaped, so the query is approximate.
func rewrite(c ir.Cond, r *backends.Result) (ir.Cond, error) {
	var err error
	leaf := func(c ir.Cond) ir.Cond {
		switch c := c.(type) {
		case ir.CIDR:
			prefix, ok := cidrPrefix(c.Block)
			if !ok && err == nil {
				err = &backends.Unsupported{Construct: "the address block " + c.Block, Kind: "an address block", Backend: "logpoint", Pos: c.Field.Pos,
					Reason: "only IPv4 blocks on a byte boundary (/8, /16, /24, /32) can be written as a prefix"}
			}
			return ir.Match{Field: c.Field, Value: ir.Value{Str: prefix, Quoted: true}}
		case ir.Match:
			// A control character is refused here, where the value's
			// place is known (the literal writer refuses it too,
			// without it).
			if _, cerr := lp.Quote(c.Value.Str); cerr != nil && lang.FirstControl(c.Value.Str) >= 0 && !c.Value.IsNum && err == nil {
				err = &backends.Unsupported{Construct: "the value " + strconv.Quote(c.Value.Str), Kind: "a value the language cannot quote", Backend: "logpoint", Pos: c.Value.Pos, Reason: cerr.Error()}
			}
			if !c.Value.IsNum && c.Value.Plain() && strings.Contains(c.Value.Str, "?") {
				r.Fidelity = backends.Approximate
				r.Approximations = append(r.Approximations, backends.Note{Pos: c.Value.Pos, Kind: "a literal ? in a value",
					Text: fmt.Sprintf("LogPoint reads the ? of %q as a wildcard for one character, and it cannot be escaped: the query also matches other characters there", c.Value.Str)})
			}
		}
		return c
	}
	return ir.MapLeaves(c, leaf), err
}

// cidrPrefix writes an IPv4 block on a byte boundary as a prefix pattern.
func cidrPrefix(block string) (string, bool) {
	p, err := netip.ParsePrefix(block)
	if err != nil || !p.Addr().Is4() || p.Bits()%8 != 0 {
		return "", false
	}
	octets := strings.Split(p.Masked().Addr().String(), ".")
	n := p.Bits() / 8
	if n == 4 {
		return strings.Join(octets, "."), true
	}
	if n == 0 {
		return "*", true
	}
	return strings.Join(octets[:n], ".") + ".*", true
}

// selector writes a profile's selector terms; a term LogPoint cannot say
// (a flag, a field name or value it cannot write) is an error, never
// dropped from the query.
var selector = backends.Selector{Eq: "{f}={v}", In: "{f} IN [{vs}]", Sep: ", ",
	Value: func(v string) (string, error) {
		if plainRE.MatchString(v) {
			return v, nil
		}
		return lp.Quote(v)
	}}

var plainRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

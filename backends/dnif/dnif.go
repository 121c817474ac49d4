// Package dnif translates lowered queries into DNIF's legacy query language
// (_fetch … from event where … limit N), the form CAR's own DNIF
// implementations use. The rules followed, with their sources, are in
// docs/design/dnif.md.
//
// DNIF's where clause is a chain of terms joined by AND and by NOT (a
// binary "and not"); it has no OR and no grouping, and its = compares
// case-sensitively (DNIF "_fetch": "The search is case-sensitive"). So
// every string test is a case-insensitive regex(…)i anchored with ^ and $
// (which holds whether DNIF anchors regex() itself or not), alternatives
// on one field are one regex alternation, and a condition needing an OR
// across fields or a negated group is reported, not approximated.
package dnif

import (
	"embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

//go:embed profiles/*.yaml
var profileFS embed.FS

var profiles = backends.EmbeddedProfiles(profileFS, "sysmon")

// Backend is the DNIF backend.
type Backend struct{}

func (Backend) Name() string                 { return "dnif" }
func (Backend) Profiles() []*profile.Profile { return profiles() }

// Convert translates each query of a program.
func (b Backend) Convert(qs []ir.Query, p *profile.Profile) ([]backends.Result, error) {
	return backends.ConvertEach(qs, func(q ir.Query) (backends.Result, error) { return b.query(q, p) })
}

func (b Backend) query(q ir.Query, p *profile.Profile) (backends.Result, error) {
	var explain []backends.Note
	events, err := backends.Map(q, p, &explain, nil)
	if err != nil {
		return backends.Result{}, err
	}
	r := backends.Result{Fidelity: backends.Exact, Explain: explain}
	if len(events) > 1 {
		return r, &backends.Unsupported{Construct: "a search over several kinds of event", Backend: "dnif", Pos: q.Pos,
			Reason: "DNIF's where clause has no OR to unite them"}
	}
	ev := events[0]
	var terms []string
	for _, t := range ev.Selector {
		name, err := fieldName(t.Field)
		if err != nil {
			return r, err
		}
		t, err := selectorTerm(name, t.Values)
		if err != nil {
			return r, fmt.Errorf("profile %s: %v", p.Name, err)
		}
		terms = append(terms, "AND "+t)
	}
	for _, c := range conjuncts(ev.Cond) {
		t, err := term(c)
		if err != nil {
			return r, err
		}
		terms = append(terms, t)
	}
	where := strings.TrimPrefix(strings.Join(terms, " "), "AND ")
	if strings.HasPrefix(where, "NOT ") {
		return r, &backends.Unsupported{Construct: "a condition that begins with a negation", Backend: "dnif", Pos: q.Pos,
			Reason: "DNIF's NOT means \"and not\" and needs a term before it; the profile selects no events to put there"}
	}
	limit := p.Settings["limit"]
	if !numRE.MatchString(limit) {
		return r, fmt.Errorf("profile %s: setting limit must be a number, not %q", p.Name, limit)
	}
	r.Query = "_fetch * from event where " + where + " limit " + limit
	return r, nil
}

// selectorTerm writes a selector term: $F=v for one value; for several,
// an anchored case-sensitive regex() alternation, since the where clause
// has no OR ($EventID=regex(^(23|26)$)). Selector values are plain words.
func selectorTerm(name string, values []string) (string, error) {
	for _, v := range values {
		if !plainRE.MatchString(v) {
			return "", fmt.Errorf("DNIF selector %s: %q is not a plain value (letters, digits, _ . -)", name, v)
		}
	}
	switch len(values) {
	case 0:
		return "", fmt.Errorf("DNIF selector %s has no value", name)
	case 1:
		return name + "=" + values[0], nil
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return name + "=regex(^(" + strings.Join(quoted, "|") + ")$)", nil
}

// conjuncts flattens a condition into the terms of an AND.
func conjuncts(c ir.Cond) []ir.Cond {
	switch c := c.(type) {
	case nil:
		return nil
	case ir.And:
		var out []ir.Cond
		for _, t := range c.Terms {
			out = append(out, conjuncts(t)...)
		}
		return out
	}
	return []ir.Cond{c}
}

// term writes one conjunct: "AND $F=…" or "NOT $F=…".
func term(c ir.Cond) (string, error) {
	op := "AND "
	if n, ok := c.(ir.Not); ok {
		op, c = "NOT ", n.X
	}
	// An OR on one field is one alternation; on several it cannot be said.
	var alts []ir.Cond
	if o, ok := c.(ir.Or); ok {
		alts = o.Terms
	} else {
		alts = []ir.Cond{c}
	}
	var field ir.Field
	var bodies []string
	insensitive := -1 // unknown yet; 1 insensitive, 0 sensitive
	numeric := ""
	for i, a := range alts {
		f, body, ci, num, err := leaf(a)
		if err != nil {
			return "", err
		}
		if i > 0 && backends.Name(f) != backends.Name(field) {
			return "", &backends.Unsupported{Construct: "an or across fields", Backend: "dnif", Pos: f.Pos,
				Reason: "DNIF's where clause has no OR; alternatives on one field are written as one regular expression"}
		}
		field = f
		if num != "" && len(alts) == 1 {
			numeric = num
			break
		}
		if num != "" {
			body, ci = "^"+regexp.QuoteMeta(num)+"$", true
		}
		if insensitive >= 0 && (ci != (insensitive == 1)) {
			return "", &backends.Unsupported{Construct: "an or of case-sensitive and case-insensitive tests", Backend: "dnif", Pos: f.Pos,
				Reason: "one DNIF regex() is either case-sensitive or not"}
		}
		insensitive = map[bool]int{false: 0, true: 1}[ci]
		bodies = append(bodies, body)
	}
	name, err := fieldName(backends.Name(field))
	if err != nil {
		return "", err
	}
	if numeric != "" {
		return op + name + "=" + numeric, nil
	}
	re := bodies[0]
	if len(bodies) > 1 {
		re = "(" + strings.Join(bodies, "|") + ")"
	}
	flag := ""
	if insensitive == 1 {
		flag = "i"
	}
	return op + name + "=regex(" + escapeRegexArg(re) + ")" + flag, nil
}

// leaf writes a test as a regular expression body (or, for a number, the
// number), with whether it ignores case.
func leaf(c ir.Cond) (f ir.Field, body string, insensitive bool, num string, err error) {
	switch c := c.(type) {
	case ir.Match:
		if c.Value.IsNum {
			return c.Field, "", true, c.Value.NumText(), nil
		}
		return c.Field, "^" + backends.WildcardPattern(c.Value.Str, ".*") + "$", true, "", nil
	case ir.Regexp:
		p := c.Pattern
		ci := strings.HasPrefix(p, "(?i)")
		p = strings.TrimPrefix(p, "(?i)")
		if strings.Contains(p, "(?") {
			return c.Field, "", false, "", &backends.Unsupported{Construct: "a regular expression with inline flags or non-capturing groups", Backend: "dnif", Pos: c.Field.Pos,
				Reason: "DNIF's regex() dialect is not documented beyond plain groups"}
		}
		// The pseudocode searches anywhere in the value.
		return c.Field, ".*(" + p + ").*", ci, "", nil
	}
	name := fmt.Sprintf("%T", c)
	switch c.(type) {
	case ir.Compare:
		name = "a numeric comparison"
	case ir.Exists:
		name = "a test of presence"
	case ir.CIDR:
		name = "an address block"
	case ir.And:
		name = "a negated or grouped and"
	case ir.Or:
		name = "a nested or"
	case ir.Not:
		name = "a double negation"
	}
	u := &backends.Unsupported{Construct: name, Backend: "dnif", Reason: "DNIF's _fetch where clause is a chain of field=value and regex() terms"}
	if fs := ir.Fields(c); len(fs) > 0 {
		u.Pos = fs[0].Pos // the construct's first field says where it is
	}
	return ir.Field{}, "", false, "", u
}

// escapeRegexArg writes a regular expression inside regex(…): a comma
// might end the argument, so each one not already escaped is escaped, as
// CAR's DNIF queries do (CAR-2013-07-001 writes \,); \, is a literal comma
// in a regular expression.
func escapeRegexArg(re string) string {
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			b.WriteByte(re[i])
			if i+1 < len(re) {
				i++
				b.WriteByte(re[i])
			}
			continue
		case ',':
			b.WriteString(`\,`)
			continue
		}
		b.WriteByte(re[i])
	}
	return b.String()
}

var (
	fieldRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	rawRE   = regexp.MustCompile(`^@[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	plainRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)
	numRE   = regexp.MustCompile(`^\d+$`)
)

// fieldName writes an extracted field as $Name and a raw one, which a
// profile writes @Name, as @Name (DNIF "Search on Raw": a key of the raw
// JSON or key=value log, dotted for nested keys).
func fieldName(name string) (string, error) {
	if rawRE.MatchString(name) {
		return name, nil
	}
	if !fieldRE.MatchString(name) {
		return "", fmt.Errorf("DNIF field names are letters, digits and _ (or @ and a raw key), not %q", name)
	}
	return "$" + name, nil
}

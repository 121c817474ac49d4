// Package kql translates lowered queries into the Kusto Query Language of
// Microsoft Sentinel and Microsoft Defender XDR advanced hunting. The rules
// followed, each with its Microsoft Learn page, are in docs/design/kql.md;
// the main ones are cited beside the table.
package kql

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

var profiles = backends.EmbeddedProfiles(embeddedProfiles)

// Language is KQL's where expression (kql.md §1). =~ compares strings
// without case and == with it; contains, startswith and endswith ignore
// case ("String operators"); matches regex is RE2, unanchored ("matches
// regex operator"); in~ is a list test without case. has matches whole
// terms, not substrings, and is never written. not() is a function. A
// string column is never null: an absent value is the empty string, which
// isnotempty() tells ("Null values"); a number read from an absent value
// by todouble() is null, a comparison with null is null and where drops
// it, so a negated test is guarded with isnotempty() (NullUnknown).
// ipv4_is_in_range() is null for a value that is no IPv4 address, and
// "null == true" is false ("Null values"), so the block test is two-valued.
var Language = &backends.Language{
	Name:    "kql",
	And:     " and ",
	Or:      " or ",
	Not:     "not",
	NotCall: true,
	// not() is a function, an atom; and and or are kept at one level
	// (every mix parenthesised): kql.md cites no source for their
	// precedence.
	Open:         "(",
	Close:        ")",
	Literal:      literal,
	NoControl:    true,
	FieldName:    fieldName,
	Match:        `{f} {v}`, // literal writes the operator of a pattern
	Exact:        `{f} =~ {v}`,
	ExactLiteral: `{f} =~ {v}`,
	CasedExact:   `{f} == {v}`,
	NumEq:        `todouble({f}) == {n}`,
	Compare:      `todouble({f}) {op} {n}`,
	Regexp:       `{f} matches regex {v}`,
	Exists:       `isnotempty({f})`,
	CIDR:         `ipv4_is_in_range({f}, {v}) == true`, // null (no IPv4 address) == true is false
	AnyOf:        `{f} in~ ({vs})`,
	ListSep:      ", ",
	NullUnknown:  true,
	Guard:        `isnotempty({f})`,
}

// keywords cannot be bare column names ("Entity names": identifiers that
// are keywords are quoted as ['name']).
var keywords = map[string]bool{"and": true, "or": true, "not": true, "in": true, "has": true, "contains": true, "by": true,
	"on": true, "true": true, "false": true, "null": true, "let": true, "where": true, "matches": true, "regex": true, "between": true}

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// fieldName writes a column name bare, or quoted as ['name'] ("Entity
// names"), the quote a string literal.
func fieldName(name string) (string, error) {
	if nameRE.MatchString(name) && !keywords[strings.ToLower(name)] {
		return name, nil
	}
	if name == "" || strings.ContainsFunc(name, profile.IsControl) {
		return "", fmt.Errorf("a KQL column name cannot be empty or hold a control character")
	}
	return "[" + quote(name) + "]", nil
}

// quote writes a string literal ("The string data type"): verbatim, @"…",
// where the value holds a backslash, which then stands for itself and a
// quote is doubled; otherwise "…" with \" for a quote.
func quote(s string) string {
	if strings.Contains(s, `\`) {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// literal writes a value; for a pseudocode pattern (case-insensitive, *
// any run) it writes the operator too: contains, startswith or endswith
// where the pattern is one of theirs, else matches regex with (?is), all
// exact. A lone * is a non-empty value (an empty string is an absent one).
func literal(s string, wildcard bool) (string, error) {
	if i := strings.IndexFunc(s, profile.IsControl); i >= 0 {
		return "", fmt.Errorf("a KQL string literal cannot hold the control character %U", []rune(s[i:])[0])
	}
	if !wildcard {
		return quote(s), nil
	}
	inner := strings.Trim(s, "*")
	switch {
	case inner == "":
		return `matches regex "(?s)."`, nil
	case strings.Contains(inner, "*"):
	case strings.HasPrefix(s, "*") && strings.HasSuffix(s, "*"):
		return "contains " + quote(inner), nil
	case strings.HasPrefix(s, "*"):
		return "endswith " + quote(inner), nil
	default:
		return "startswith " + quote(inner), nil
	}
	return "matches regex " + quote(`(?is)^`+backends.WildcardPattern(s, `.*`)+`$`), nil
}

// Backend is the KQL backend.
type Backend struct{}

func (Backend) Name() string                 { return "kql" }
func (Backend) Profiles() []*profile.Profile { return profiles() }

// Convert translates each query of a program.
func (b Backend) Convert(qs []ir.Query, p *profile.Profile) ([]backends.Result, error) {
	return backends.ConvertEach(qs, func(q ir.Query) (backends.Result, error) { return b.query(q, p) })
}

func (b Backend) query(q ir.Query, p *profile.Profile) (backends.Result, error) {
	switch {
	case q.Join != nil:
		return b.join(q, p)
	case q.Aggregate != nil:
		return b.aggregate(q, p)
	}
	r, _, err := search(q, p)
	return r, err
}

// search writes "Table | where …" over the events of q (their tables
// are the profile's categories), several tables as a union of such
// queries (kql.md §4), and gives the events as mapped.
func search(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	s := backends.Search{Lang: Language, Selector: selector,
		Prepare: func(events []backends.EventCond, _ *backends.Result) error {
			for _, ev := range events {
				if err := refuse(ev.Cond); err != nil {
					return err
				}
			}
			return nil
		},
		Group: func(ev backends.EventCond) (string, error) {
			table := p.Settings["log_table"]
			if ev.Event != nil {
				table = ev.Event.Category
			}
			if table == "" {
				return "", fmt.Errorf("%s: profile %s: %s names no table (category, or the setting log_table)", p.File, p.Name, ev.Source)
			}
			return fieldName(table)
		},
		Frame: func(groups []backends.Group, r *backends.Result) error {
			parts := make([]string, len(groups))
			for i, g := range groups {
				parts[i] = g.Key
				if !g.Expr.Empty() {
					parts[i] += " | where " + g.Expr.Text
				}
			}
			r.Query = parts[0]
			if len(parts) > 1 {
				r.Query = "union (" + strings.Join(parts, "), (") + ")"
			}
			return nil
		}}
	return s.Run(q, p)
}

// refuse names what KQL cannot say exactly: a match of the empty string
// (an absent string is the empty string, kql.md §3) and an IPv6 block
// (ipv4_is_in_range takes IPv4 only; kql.md §1).
func refuse(c ir.Cond) error {
	var err error
	ir.Walk(c, func(c ir.Cond) {
		switch c := c.(type) {
		case ir.Match:
			if !c.Value.IsNum && c.Value.Str == "" && err == nil {
				err = &backends.Unsupported{Construct: "a match of the empty string", Backend: "kql", Pos: c.Value.Pos,
					Reason: "a KQL string is never null: an absent value is the empty string, so the two cannot be told apart"}
			}
		case ir.CIDR:
			if pr, perr := netip.ParsePrefix(c.Block); (perr != nil || !pr.Addr().Is4()) && err == nil {
				err = &backends.Unsupported{Construct: "the address block " + c.Block, Kind: "an address block", Backend: "kql", Pos: c.Field.Pos,
					Reason: "only IPv4 blocks are written (ipv4_is_in_range)"}
			}
		}
	})
	return err
}

// selector writes a profile's selector terms: a column equal to a value
// (== or in, with case: the values are the schema's own), a number bare.
var selector = backends.Selector{Eq: "{f} == {v}", In: "{f} in ({vs})", Sep: ", ",
	Value: func(v string) (string, error) {
		if _, err := strconv.ParseUint(v, 10, 64); err == nil {
			return v, nil
		}
		return quote(v), nil
	}}

// join writes a pairing as "L | join kind=inner (R) on keys" (kql.md §4):
// each side computes its keys lower-cased, as the pseudocode compares
// them, and requires them present; the time bound and order are a where
// on each side's time column, copied under its own name.
func (b Backend) join(q ir.Query, p *profile.Profile) (backends.Result, error) {
	j := q.Join
	r := backends.Result{Fidelity: backends.Exact}
	timed := j.Ordered || j.Within > 0
	tcol := p.Settings["time_column"]
	switch {
	case !j.Ordered && j.Within > 0:
		return r, &backends.Unsupported{Construct: "a time bound without an order", Backend: "kql", Pos: q.Pos,
			Reason: "the pseudocode's unordered bound is not written yet"}
	case timed && tcol == "":
		return r, &backends.Unsupported{Construct: "an ordered join", Backend: "kql", Pos: q.Pos, Reason: "profile " + p.Name + " names no time column"}
	}
	var sides, on []string
	for i, side := range []*ir.Query{j.Left, j.Right} {
		s := *side
		for _, k := range j.Keys {
			f := map[bool]ir.Field{true: k.Left, false: k.Right}[i == 0]
			s.Cond = ir.AndOf(ir.Exists{Field: f}, s.Cond) // an event lacking a key pairs with none
		}
		sr, events, err := search(s, p)
		if err != nil {
			return r, err
		}
		r.Explain = append(r.Explain, sr.Explain...)
		if len(events) != 1 {
			return r, &backends.Unsupported{Construct: "a join side over several kinds of event", Backend: "kql", Pos: side.Pos}
		}
		var ext []string
		for n, k := range j.Keys {
			f := map[bool]ir.Field{true: k.Left, false: k.Right}[i == 0]
			key, err := keyExpr(events, p, f)
			if err != nil {
				return r, err
			}
			ext = append(ext, fmt.Sprintf("cartrans_k%d = %s", n, key))
		}
		if len(j.Keys) == 0 {
			ext = append(ext, "cartrans_k0 = 1")
		}
		if timed {
			name, err := fieldName(tcol)
			if err != nil {
				return r, err
			}
			ext = append(ext, fmt.Sprintf("cartrans_t%d = %s", i, name))
		}
		sides = append(sides, sr.Query+" | extend "+strings.Join(ext, ", "))
	}
	for n := range max(len(j.Keys), 1) {
		on = append(on, fmt.Sprintf("cartrans_k%d", n))
	}
	r.Query = sides[0] + " | join kind=inner (" + sides[1] + ") on " + strings.Join(on, ", ")
	if j.Ordered {
		r.Query += " | where cartrans_t1 > cartrans_t0"
		if j.Within > 0 {
			r.Query += " and cartrans_t1 - cartrans_t0 < " + span(j.Within)
		}
	}
	return r, nil
}

// span writes a duration as a timespan literal in milliseconds, or whole
// seconds ("The timespan data type").
func span(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// aggs are summarize's aggregation functions for the pseudocode's
// (kql.md §4). unique is left out: dcount() is an estimate.
var aggs = map[string]string{"count": "count", "min": "min", "max": "max", "avg": "avg", "stddev": "stdev", "sum": "sum", "values": "make_set"}

// aggregate writes groups with summarize: keys lower-cased after the
// profile's transform (the pseudocode groups without case, and an event
// lacking a key joins no group), the event's time as seconds, numbers
// read with todouble(), and the condition on the columns after it.
func (b Backend) aggregate(q ir.Query, p *profile.Profile) (backends.Result, error) {
	agg := q.Aggregate
	src := *agg.Source
	for _, f := range agg.By {
		src.Cond = ir.AndOf(ir.Exists{Field: f}, src.Cond)
	}
	r, events, err := search(src, p)
	if err != nil {
		return r, err
	}
	var ext, items, by []string
	column := func(f ir.Field) (string, profile.Transform, error) {
		m, err := backends.AggField(events, p, f)
		if err != nil {
			return "", "", err
		}
		if m.Field == "" {
			if p.Settings["time_column"] == "" {
				return "", "", &backends.Unsupported{Construct: "the event's time", Backend: "kql", Pos: f.Pos, Reason: "profile " + p.Name + " names no time column"}
			}
			if t := "cartrans_time = (" + p.Settings["time_column"] + " - datetime(1970-01-01)) / 1s"; !slices.Contains(ext, t) {
				ext = append(ext, t)
			}
			return "cartrans_time", "", nil
		}
		name, err := fieldName(m.Field)
		return name, m.Transform, err
	}
	for _, f := range agg.By {
		expr, err := keyExpr(events, p, f)
		if err != nil {
			return r, err
		}
		key := "cartrans_" + nonName.ReplaceAllString(f.Name, "_")
		ext = append(ext, key+" = "+expr)
		by = append(by, key)
	}
	cols := map[string]string{}
	for i, f := range agg.By {
		cols[f.Name] = "todouble(" + by[i] + ")"
	}
	for _, it := range agg.Items {
		fn, ok := aggs[it.Func]
		if !ok || !nameRE.MatchString(it.As) {
			return r, &backends.Unsupported{Construct: "the aggregate " + it.Func + " as " + it.As, Kind: "an aggregate", Backend: "kql", Pos: it.Pos,
				Reason: "KQL's dcount() is an estimate; a column is a plain name"}
		}
		text := fn + "()"
		if it.Field != nil {
			name, tr, err := column(*it.Field)
			if err != nil {
				return r, err
			}
			if tr != profile.Same {
				return r, &backends.Unsupported{Construct: "an aggregate of a field the profile maps with a transform", Backend: "kql", Pos: it.Pos}
			}
			switch {
			case fn == "count":
				text = "countif(isnotempty(" + name + "))"
			case fn == "make_set":
				text = "make_set(" + name + ")"
			case name == "cartrans_time":
				text = fn + "(" + name + ")"
			default:
				text = fn + "(todouble(" + name + "))"
			}
		}
		items = append(items, it.As+" = "+text)
		cols[it.As] = it.As
	}
	if len(ext) > 0 {
		r.Query += " | extend " + strings.Join(ext, ", ")
	}
	r.Query += " | summarize " + strings.Join(items, ", ")
	if len(by) > 0 {
		r.Query += " by " + strings.Join(by, ", ")
	}
	if agg.Having != nil {
		r.Query += " | where " + backends.HavingText(agg.Having, Language, func(c string) string { return cols[c] })
	}
	return r, nil
}

var nonName = regexp.MustCompile(`[^A-Za-z0-9_]`)

// keyExpr is a join or group key as the pseudocode compares it: the
// field's value after the profile's transform (a host name's first label,
// a path's last part), lower-cased.
func keyExpr(events []backends.EventCond, p *profile.Profile, f ir.Field) (string, error) {
	m, err := backends.AggField(events, p, f)
	if err != nil {
		return "", err
	}
	if m.Field == "" {
		return "", &backends.Unsupported{Construct: "the event's time as a key", Backend: "kql", Pos: f.Pos}
	}
	name, err := fieldName(m.Field)
	if err != nil {
		return "", err
	}
	expr := map[profile.Transform]string{profile.Same: name, profile.HostName: "split(" + name + `, ".")[0]`,
		profile.BaseName: `extract(@"[^\\/]*$", 0, ` + name + ")"}[m.Transform]
	if expr == "" {
		return "", &backends.Unsupported{Construct: "a key the profile maps as a part of " + m.Field, Kind: "a key mapped as a part of a field", Backend: "kql", Pos: f.Pos}
	}
	return "tolower(tostring(" + expr + "))", nil
}

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
	"strings"
	"time"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	kqllang "github.com/cartrans/cartrans/lang/kql"
	"github.com/cartrans/cartrans/profile"
)

var profiles = backends.EmbeddedProfiles(embeddedProfiles)

// fieldName writes a column name bare, or quoted as ['name'] (lang/kql
// QuoteName, "Entity names").
var fieldName = kqllang.QuoteName

// literal writes a value; a pseudocode pattern (case-insensitive, *
// any run) that is not one of contains, startswith or endswith is written
// as a regular expression, (?is), exact. A lone * is a non-empty value
// (an empty string is an absent one).
func literal(s string, wildcard bool) (string, error) {
	if i := strings.IndexFunc(s, profile.IsControl); i >= 0 {
		return "", fmt.Errorf("a KQL string literal cannot hold the control character %U", []rune(s[i:])[0])
	}
	switch {
	case !wildcard:
		return kqllang.Quote(s), nil
	case strings.Trim(s, "*") == "":
		return kqllang.Quote(`(?s).`), nil
	}
	return kqllang.Quote(`(?is)^` + backends.WildcardPattern(s, `.*`) + `$`), nil
}

// Backend is the KQL backend: its table.
type Backend = backends.Target[spec]

type spec struct{}

func (spec) Table() *backends.Table { return backendTable }

var backendTable = &backends.Table{Name: "kql", Profiles: profiles, Queries: func(*profile.Profile) *backends.Queries { return queries }}

// table is the table of an event: the profile's category, or for log
// events the setting log_table.
func table(p *profile.Profile, ev backends.EventCond) (string, error) {
	name := p.Settings["log_table"]
	if ev.Event != nil {
		name = ev.Event.Category
	}
	if name == "" {
		return "", fmt.Errorf("%s: profile %s: %s names no table (category, or the setting log_table)", p.File, p.Name, ev.Source)
	}
	return fieldName(name)
}

// frame writes "Table | where …" over each table, several tables as a
// union of such queries (kql.md §4).
func frame(_ ir.Query, _ *profile.Profile, groups []backends.Group, r *backends.Result) error {
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
}

// refuse names what KQL cannot say exactly: a match of the empty string
// (an absent string is the empty string, kql.md §3) and an IPv6 block
// (ipv4_is_in_range takes IPv4 only; kql.md §1).
func refuse(_ *profile.Profile, c ir.Cond, _ *backends.Result) error {
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

func joinKey(ev backends.EventCond, p *profile.Profile, f ir.Field) (string, error) {
	return keys.Key([]backends.EventCond{ev}, p, Language, f)
}

// joinText writes the pairing of the two sides.
func joinText(q ir.Query, p *profile.Profile, sides [2]backends.JoinSide, r *backends.Result) error {
	j := q.Join
	var texts, on []string
	for i, s := range sides {
		var ext []string
		for n, k := range s.Keys {
			ext = append(ext, fmt.Sprintf("cartrans_k%d = %s", n, k))
		}
		if len(s.Keys) == 0 {
			ext = append(ext, "cartrans_k0 = 1")
		}
		if j.Ordered {
			name, err := fieldName(p.Settings["time_column"])
			if err != nil {
				return err
			}
			ext = append(ext, fmt.Sprintf("cartrans_t%d = %s", i, name))
		}
		texts = append(texts, s.Query+" | extend "+strings.Join(ext, ", "))
	}
	for n := range max(len(j.Keys), 1) {
		on = append(on, fmt.Sprintf("cartrans_k%d", n))
	}
	r.Query = texts[0] + " | join kind=inner (" + texts[1] + ") on " + strings.Join(on, ", ")
	if j.Ordered {
		r.Query += " | where cartrans_t1 > cartrans_t0"
		if j.Within > 0 {
			r.Query += " and cartrans_t1 - cartrans_t0 < " + span(j.Within)
		}
	}
	return nil
}

// span writes a duration as a timespan literal in milliseconds, or whole
// seconds ("The timespan data type").
func span(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// aggregate writes groups with summarize: keys lower-cased after the
// profile's transform (the pseudocode groups without case), the event's
// time as seconds, numbers read with todouble(), and the condition on the
// columns after it.
func aggregate(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []backends.EventCond, r *backends.Result) error {
	var ext, items, by []string
	cols := map[string]string{}
	for _, f := range agg.By {
		expr, err := keys.Key(events, p, Language, f)
		if err != nil {
			return err
		}
		key := "cartrans_" + nonName.ReplaceAllString(f.Name, "_")
		ext, by = append(ext, key+" = "+expr), append(by, key)
		cols[f.Name] = "todouble(" + key + ")"
	}
	for _, it := range agg.Items {
		fn, ok := aggs[it.Func]
		if !ok || !kqllang.IsName(it.As) {
			return &backends.Unsupported{Construct: "the aggregate " + it.Func + " as " + it.As, Kind: "an aggregate", Backend: "kql", Pos: it.Pos,
				Reason: "KQL's dcount() is an estimate; a column is a plain name"}
		}
		text := fn + "()"
		if it.Field != nil {
			name, err := column(events, p, *it.Field, &ext)
			if err != nil {
				return err
			}
			switch {
			case fn == "count":
				text = "countif(isnotempty(" + name + "))"
			case fn == "make_set" || name == "cartrans_time":
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
	return nil
}

// column names a field an aggregate reads: the event's time in seconds
// (a column extended once), another a column the profile maps as it is.
func column(events []backends.EventCond, p *profile.Profile, f ir.Field, ext *[]string) (string, error) {
	m, err := backends.AggField(events, p, f)
	switch {
	case err != nil:
		return "", err
	case m.Field == "" && p.Settings["time_column"] == "":
		return "", &backends.Unsupported{Construct: "the event's time", Backend: "kql", Pos: f.Pos, Reason: "profile " + p.Name + " names no time column"}
	case m.Field == "":
		if t := "cartrans_time = (" + p.Settings["time_column"] + " - datetime(1970-01-01)) / 1s"; !slices.Contains(*ext, t) {
			*ext = append(*ext, t)
		}
		return "cartrans_time", nil
	case m.Transform != profile.Same:
		return "", &backends.Unsupported{Construct: "an aggregate of a field the profile maps with a transform", Backend: "kql", Pos: f.Pos}
	}
	return fieldName(m.Field)
}

var nonName = regexp.MustCompile(`[^A-Za-z0-9_]`)

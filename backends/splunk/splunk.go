// Package splunk translates lowered queries into Splunk's Search Processing
// Language. A condition is written in the search command where it can be
// (case-insensitive values, * wildcards, NOT keeping events that lack the
// field, as the pseudocode means); one the search command cannot say (a
// regular expression, a path's last part) is written whole as an eval
// expression in "| where", with the presence guards Splunk's three-valued
// eval needs.
package splunk

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	spl "github.com/cartrans/cartrans/lang/splunk"
	"github.com/cartrans/cartrans/profile"
)

var profiles = backends.EmbeddedProfiles(embeddedProfiles)

// fieldRE is a field name the search command and eval take bare.
var fieldRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// fieldName writes a field name for the search command, which has no
// quote for one: a name that is one of SPL's operators (spl.Keywords:
// AND, OR, NOT, IN) would be read as the operator, so it is refused by
// name, and the condition goes to where, whose eval quotes it.
func fieldName(name string) (string, error) {
	if !fieldRE.MatchString(name) {
		return "", fmt.Errorf("Splunk field names here are letters, digits, _ and .")
	}
	if spl.IsKeyword(name) {
		return "", fmt.Errorf("%s is an SPL operator, and the search command has no quote for a field name", name)
	}
	return name, nil
}

// literal writes a string literal as lang/splunk does: search and eval
// read the same two escapes, \\ and \" (NoControl keeps control
// characters from it).
func literal(s string, _ bool) (string, error) { return spl.Quote(s) }

// Search is the search command's condition language. In a quoted value
// the search command reads \\ as a backslash and \" as a quote (Splunk
// Search Reference, "search": "Quotes and escaping characters"; pySigma's
// Splunk backend escapes the same two), and * is always a wildcard, which
// is what the pseudocode means by it. Values compare case-insensitively;
// field names case-sensitively. Terms joined by a space are ANDed; OR binds
// tighter than AND in SPL, so the emitter parenthesises every group.
// "NOT f=v" keeps the events that lack f, as the pseudocode's != does
// (unlike "f!=v", which drops them), so the language is two-valued here.
var Search = &backends.Language{
	Name:  "splunk",
	And:   " ",
	Or:    " " + spl.Or + " ",
	Not:   spl.Not + " ",
	Open:  "(",
	Close: ")",
	// NOT binds tightest; AND and OR are kept at one level, so that
	// every OR group is parenthesised (docs/design/splunk.md §1 row 4:
	// OR binds tighter than AND here, and looser in where).
	Prec:      backends.Precedence{Or: 1, And: 1, Not: 2},
	Literal:   literal,
	NoControl: true,
	FieldName: fieldName,
	Match:     `{f}={v}`,
	// "*" is the only wildcard, and has no escape; "?" is itself
	// (docs/design/splunk.md §1, rows 2 and §1.4).
	MatchLiteral:   "?",
	NumEq:          `{f}={n}`,
	Compare:        `{f}{op}{n}`,
	Exists:         `{f}=*`,
	CIDR:           `{f}={b}`,
	AnyOf:          `{f} ` + spl.In + ` ({vs})`,
	ListSep:        ", ",
	AnyOfWildcards: true,
}

// Where is the eval expression language of "| where". Its comparisons are
// case-sensitive and know no wildcards, so string matches are written as
// case-insensitive regular expressions with match() (PCRE, unanchored:
// the patterns anchor themselves); in an eval string literal \\ is a
// backslash and \" a quote. A comparison on a missing field is null and
// NOT null is null, so under a negation each test is guarded with
// isnotnull().
var Where = &backends.Language{
	Name:  "splunk",
	And:   " " + spl.And + " ",
	Or:    " " + spl.Or + " ",
	Not:   spl.Not + " ",
	Open:  "(",
	Close: ")",
	// (), NOT, AND, OR (docs/design/splunk.md, [S-where]).
	Prec:        backends.Precedence{Or: 1, And: 2, Not: 3},
	Literal:     literal,
	NoControl:   true,
	FieldName:   evalField,
	NumEq:       `tonumber({f})={n}`,
	Compare:     `tonumber({f}){op}{n}`,
	Regexp:      `match({f}, {v})`,
	Exists:      `isnotnull({f})`,
	CIDR:        `cidrmatch({v}, {f})`,
	NullUnknown: true,
	Guard:       `isnotnull({f})`,
}

// evalField quotes a field name for eval: single quotes (spl.FieldQuote)
// around names with a dot, which eval would read as concatenation, and
// around names that are an operator (spl.Keywords), which eval would read
// as the operator.
func evalField(name string) (string, error) {
	if !fieldRE.MatchString(name) {
		return "", fmt.Errorf("Splunk field names here are letters, digits, _ and .")
	}
	if strings.Contains(name, ".") || spl.IsKeyword(name) {
		return spl.FieldQuote + name + spl.FieldQuote, nil
	}
	return name, nil
}

// Backend is the Splunk backend: its table.
type Backend = backends.Target[spec]

type spec struct{}

func (spec) Table() *backends.Table { return table }

var table = &backends.Table{Name: "splunk", Profiles: profiles, Queries: func(p *profile.Profile) *backends.Queries {
	if p.Dialect == "tstats" {
		return tstatsQueries // a CIM data model
	}
	return queries
}}

// searchAny writes a search with its condition in the search command, or,
// where that cannot say it, in one "| where" over the events the search
// selects.
func searchAny(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	r, events, err := search(q, p, Search)
	if backends.IsUnsupported(err) {
		return search(q, p, Where)
	}
	return r, events, err
}

// search writes a search over the events of q, with the condition in
// the search command (Search), or in a "| where" after it (Where).
// Events whose conditions read the same are selected together, (s1 OR
// s2) c; events kept under different prefixes (Sysmon's index and
// Zeek's) each carry their own prefix in their selector, so the search
// reads "(index=a EventCode=1) OR (index=b sourcetype=…)".
func search(q ir.Query, p *profile.Profile, lang *backends.Language) (backends.Result, []backends.EventCond, error) {
	var prefix backends.Expr
	same := true
	s := backends.Search{Lang: lang, SelLang: Search, Selector: selector, Share: true,
		Prepare: func(_ *profile.Profile, events []backends.EventCond, _ *backends.Result) error {
			prefix, same = heads(p, events)
			return nil
		},
		Select: func(_ *profile.Profile, ev backends.EventCond) (backends.Expr, error) {
			sel, err := selector.Write(Search, ev.Selector)
			if !same {
				sel = Search.AndOf(prefixOf(p, ev.Event), sel)
			}
			return sel, err
		},
		Frame: func(_ ir.Query, _ *profile.Profile, groups []backends.Group, r *backends.Result) error {
			g := groups[0]
			if lang == Search {
				r.Query = Search.AndOf(prefix, g.Expr).Text
				return nil
			}
			if len(g.Cond) > 1 {
				return &backends.Unsupported{Construct: "a regular expression over events whose fields are named differently", Backend: "splunk", Pos: q.Pos}
			}
			r.Query = Search.AndOf(prefix, g.Sels[0]).Text
			if !g.Cond[0].Empty() {
				r.Query += " | where " + g.Cond[0].Text
			}
			return nil
		}}
	return s.Run(q, p)
}

// heads is the prefix the query starts with, and whether every event
// shares it (else each selector carries its own).
func heads(p *profile.Profile, events []backends.EventCond) (backends.Expr, bool) {
	prefix := prefixOf(p, events[0].Event)
	for _, ev := range events[1:] {
		if prefixOf(p, ev.Event).Text != prefix.Text {
			return backends.Expr{}, false
		}
	}
	return prefix, true
}

// prefixOf writes the prefix of a query over events of ev: its terms
// ANDed, a term with several values (an index setting that is a list,
// --set security_index=wineventlog,main) as "(index=wineventlog OR
// index=main)". The values are words (profile.Parse and With check them),
// written bare as CAR's own queries write index=….
func prefixOf(p *profile.Profile, ev *profile.Event) backends.Expr {
	var parts []backends.Expr
	for _, t := range p.PrefixTerms(ev) {
		alts := make([]backends.Expr, len(t.Values))
		for i, v := range t.Values {
			alts[i] = backends.Atom(t.Field + "=" + v)
		}
		parts = append(parts, backends.Atom(Search.Operand(Search.OrOf(alts...), "and")))
	}
	return Search.AndOf(parts...)
}

// selector writes a profile's selector terms in the search command: a
// number as it is, other values quoted.
var selector = backends.Selector{Eq: "{f}={v}", In: "{f} " + spl.In + " ({vs})", Sep: ", ", Field: fieldName, Value: selectorValue}

// selectorValue writes a selector value: a number as it is, other values
// as lang/splunk quotes them.
func selectorValue(v string) (string, error) {
	if isNumber(v) {
		return v, nil
	}
	return spl.Quote(v)
}

// selectorTerm checks a selector term and writes its field with field
// and each of its values as a literal: a number as it is, other values
// quoted.
func selectorTerm(t profile.Term, field func(string) (string, error)) (string, []string, error) {
	if t.Flag != "" {
		return "", nil, fmt.Errorf("the splunk backend takes no selector flag (%s)", t.Flag)
	}
	name, err := field(t.Field)
	if err != nil {
		return "", nil, err
	}
	var lits []string
	for _, v := range t.Values {
		lit, err := selectorValue(v)
		if err != nil {
			return "", nil, err
		}
		lits = append(lits, lit)
	}
	return name, lits, nil
}

var (
	numberRE = regexp.MustCompile(`^\d+$`)
)

func isNumber(s string) bool { return numberRE.MatchString(s) }

// tstats writes a query over a CIM data model: "| tstats … from
// datamodel=<dataset> where <condition> by … | `drop_dm_object_name(…)`".
// The where clause takes the search command's terms (Splunk "tstats":
// "WHERE <search-query>"), so the Search table writes it; a condition the
// search command cannot say cannot be filtered after tstats either, since
// only the by fields survive it.
var tstats = &backends.Search{Lang: Search, Selector: selector, Approx: true,
	Group: func(_ *profile.Profile, ev backends.EventCond) (string, error) { return ev.Event.Category, nil },
	Frame: func(q ir.Query, p *profile.Profile, groups []backends.Group, r *backends.Result) error {
		if len(groups) > 1 {
			return &backends.Unsupported{Construct: "a search over several data model datasets", Backend: "splunk", Pos: q.Pos,
				Reason: "one tstats reads one dataset"}
		}
		g := groups[0]
		head, tail, err := tstatsFrame(p, g.Key, g.Events[len(g.Events)-1].Event.By)
		r.Query = strings.TrimSpace(head + " " + g.Expr.Text + tail)
		return err
	}}

// tstatsFrame writes the tstats command around the where clause, as
// Splunk's own CIM detections (ESCU) and pySigma write it: first and last
// times and a count over the dataset, the profile's by fields, and the
// drop_dm_object_name macro (Splunk_SA_CIM), which strips the dataset's
// name (the category's last part) from the field names. It is written here
// rather than taken from the profile, so that only names checked as such
// reach it: the category a dataset name, the by fields field names, the
// setting one word (profile.Parse).
func tstatsFrame(p *profile.Profile, category string, by []string) (string, string, error) {
	summaries, ok := p.Settings["summariesonly"]
	if !ok {
		return "", "", fmt.Errorf("%s: profile %s: the tstats dialect needs the setting summariesonly (true or false)", p.File, p.Name)
	}
	if category == "" {
		return "", "", fmt.Errorf("%s: profile %s: the tstats dialect needs each event's category, its data model dataset", p.File, p.Name)
	}
	head := "| tstats summariesonly=" + summaries + ` allow_old_summaries=true fillnull_value="null" count min(_time) as firstTime max(_time) as lastTime from datamodel=` + category + " where"
	tail := ""
	if len(by) > 0 {
		for _, f := range by {
			if _, err := fieldName(f); err != nil {
				return "", "", fmt.Errorf("%s: profile %s: by field %q: %v", p.File, p.Name, f, err)
			}
		}
		dataset := category[strings.LastIndexByte(category, '.')+1:]
		tail = " by " + strings.Join(by, " ") + " | `drop_dm_object_name(" + dataset + ")`"
	}
	return head, tail, nil
}

// queries drives each kind of query. A pairing in SPL: the search reads
// both sides' events; eval marks which side each event is on (an event
// may be on both, so it is then expanded into one row per side) and
// computes its key; streamstats, over events in time order, counts for
// each row the left rows with the same key in the window before it; a
// right row with a count is a match. The result lists each right event
// that has a matching left one, not every pair, and two events with the
// same timestamp count as ordered: the query is marked approximate for
// both. An unordered join without a time bound counts with eventstats
// over the whole search instead.
var queries = &backends.Queries{Search: searchAny,
	Join:      &backends.Join{Check: joinCheck, Side: joinSide, Key: joinKey, Write: joinText},
	Aggregate: &backends.Aggregate{Write: aggregate}}

// tstatsQueries reads a CIM data model, whose tstats neither pairs nor
// groups beyond its own by fields.
var tstatsQueries = &backends.Queries{Search: tstats.Run}

func joinCheck(q ir.Query, p *profile.Profile) error {
	j := q.Join
	switch {
	case !j.Ordered && j.Within > 0:
		return &backends.Unsupported{Construct: "a time bound without an order", Backend: "splunk", Pos: q.Pos,
			Reason: "streamstats looks back only"}
	case j.Within > 0 && (j.Within%time.Second != 0 || j.Within < time.Second):
		return &backends.Unsupported{Construct: "a time bound under a second or not in whole seconds", Backend: "splunk", Pos: q.Pos,
			Reason: "streamstats time_window counts whole seconds"}
	}
	return nil
}

// joinSide writes a side as an eval test: its selector and condition.
func joinSide(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	var explain []backends.Note
	events, err := backends.Map(q, p, &explain, nil)
	r := backends.Result{Explain: explain}
	if err != nil || len(events) != 1 {
		return r, events, err
	}
	sel, err := evalSelector(events[0].Selector)
	if err != nil {
		return r, nil, err
	}
	cond, err := Where.EmitExpr(events[0].Cond)
	r.Query = Where.AndOf(sel, cond).Text
	return r, events, err
}

func joinKey(ev backends.EventCond, p *profile.Profile, f ir.Field) (string, error) {
	m, ok := ev.Event.Fields[f.Name]
	if !ok {
		return "", &backends.Unmapped{What: "field " + f.Name + " of " + ev.Source.String(), Profile: p.Name, Pos: f.Pos}
	}
	name, err := evalField(m.Field)
	if err != nil {
		return "", err
	}
	key, ok := keyExpr(name, m.Transform)
	if !ok {
		return "", &backends.Unsupported{Construct: "a join key the profile maps with a transform", Backend: "splunk", Pos: f.Pos,
			Reason: f.Name + " is a part of " + m.Field}
	}
	return key, nil
}

func joinText(q ir.Query, p *profile.Profile, sides [2]backends.JoinSide, r *backends.Result) error {
	j := q.Join
	var keys []string
	for _, s := range sides {
		parts := s.Keys
		if len(parts) == 0 {
			parts = []string{`"all"`}
		}
		keys = append(keys, strings.Join(parts, ` . "|" . `))
	}
	counter := ` | sort 0 _time | streamstats`
	switch {
	case !j.Ordered:
		counter = ` | eventstats`
	case j.Within > 0:
		counter += fmt.Sprintf(" time_window=%ds", int(j.Within.Seconds()))
	}
	events := []backends.EventCond{sides[0].Event, sides[1].Event}
	prefix, same := heads(p, events)
	var sels []backends.Expr
	for _, ev := range events {
		sel, err := selector.Write(Search, ev.Selector)
		if err != nil {
			return err
		}
		if !same {
			sel = Search.AndOf(prefixOf(p, ev.Event), sel)
		}
		if len(sels) == 0 || sels[0].Text != sel.Text {
			sels = append(sels, sel)
		}
	}
	r.Query = Search.AndOf(prefix, Search.OrOf(sels...)).Text +
		` | eval cartrans_role=mvappend(if(` + sides[0].Query + `, "left", null()), if(` + sides[1].Query + `, "right", null()))` +
		` | mvexpand cartrans_role` +
		` | eval cartrans_key=if(cartrans_role=="left", ` + keys[0] + `, ` + keys[1] + `)` +
		counter + ` count(eval(cartrans_role=="left")) as cartrans_left by cartrans_key` +
		` | where cartrans_role=="right" AND cartrans_left>0`
	r.Fidelity = backends.Approximate
	r.Approximations = append(r.Approximations, backends.Note{Pos: q.Pos, Kind: "a join as the right events that have a match",
		Text: "the query lists each right event that has a matching left event, not every pair; with an order, events with the same timestamp count as ordered"})
	return nil
}

// keyExpr is an eval expression of a field's value as the pseudocode
// compares it, for join keys and group keys: lower-cased, after the
// profile's transform. False for a transform it cannot undo.
func keyExpr(name string, t profile.Transform) (string, bool) {
	switch t {
	case profile.Same:
		return "lower(tostring(" + name + "))", true
	case profile.HostName:
		return "lower(mvindex(split(" + name + `, "."), 0))`, true
	case profile.BaseName:
		return "lower(replace(" + name + `, "^.*[\\\\/]", ""))`, true
	case profile.DirName:
		return "lower(replace(" + name + `, "[\\\\/][^\\\\/]*$", ""))`, true
	}
	return "", false
}

// evalSelector writes selector terms as an eval test.
func evalSelector(terms []profile.Term) (backends.Expr, error) {
	var parts []backends.Expr
	for _, t := range terms {
		name, lits, err := selectorTerm(t, evalField)
		if err != nil {
			return backends.Expr{}, err
		}
		alts := make([]backends.Expr, len(lits))
		for i, l := range lits {
			alts[i] = backends.Atom(name + "==" + l)
		}
		parts = append(parts, backends.Atom(Where.Operand(Where.OrOf(alts...), "and")))
	}
	if len(parts) == 0 {
		return backends.Atom("true()"), nil
	}
	return Where.AndOf(parts...), nil
}

// statsFuncs are the stats functions of the language's aggregates.
var statsFuncs = map[string]string{
	"count": "count", "min": "min", "max": "max", "avg": "avg", "stddev": "stdev",
	"unique": "dc", "values": "values", "sum": "sum",
}

// aggregate writes groups and their columns with stats, and the condition
// on them with where. The event's time is _time, in seconds, so time spans
// compare as seconds. Group keys are computed first with eval, lower-cased
// (values that compare equal in the pseudocode fall in one group) and
// after the profile's transform, as cartrans_<CAR name>.
func aggregate(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []backends.EventCond, r *backends.Result) error {
	field := func(f ir.Field) (string, string, error) {
		m, err := backends.AggField(events, p, f)
		if err != nil {
			return "", "", err
		}
		if m.Field == "" {
			return "_time", "", nil
		}
		name, err := evalField(m.Field)
		if err != nil {
			return "", "", err
		}
		switch m.Transform {
		case profile.Same:
			return name, "", nil
		case profile.HostName, profile.BaseName:
			key, _ := keyExpr(name, m.Transform)
			return "cartrans_" + f.Name, key, nil
		}
		return "", "", &backends.Unsupported{Construct: "a group key the profile maps with a transform", Backend: "splunk", Pos: f.Pos}
	}
	var evals, items, by []string
	columns := map[string]string{}
	for _, f := range agg.By {
		name, expr, err := field(f)
		if err != nil {
			return err
		}
		if expr == "" {
			expr, _ = keyExpr(name, profile.Same)
			name = "cartrans_" + f.Name
		}
		evals = append(evals, name+"="+expr)
		by = append(by, name)
		// A key is text (lower-cased for grouping); a condition compares
		// it as a number, and where a key is not one, as no number, the
		// comparison is false: tonumber gives null there.
		columns[f.Name] = "tonumber(" + name + ")"
	}
	for _, it := range agg.Items {
		fn := statsFuncs[it.Func]
		text := fn
		if it.Field != nil {
			name, expr, err := field(*it.Field)
			if err != nil {
				return err
			}
			if expr != "" {
				evals = append(evals, name+"="+expr)
			}
			text = fn + "(" + name + ")"
		}
		if _, err := fieldName(it.As); err != nil {
			return &backends.Unsupported{Construct: "the column name " + it.As, Kind: "a column name", Backend: "splunk", Pos: it.Pos}
		}
		items = append(items, text+" as "+it.As)
		columns[it.As] = it.As
	}
	query := r.Query
	if len(evals) > 0 {
		query += " | eval " + strings.Join(slices.Compact(evals), ", ")
	}
	query += " | stats " + strings.Join(items, " ")
	if len(by) > 0 {
		query += " by " + strings.Join(by, " ")
	}
	if agg.Having != nil {
		query += " | where " + backends.HavingText(agg.Having, Where, func(c string) string { return columns[c] })
	}
	r.Query = query
	return nil
}

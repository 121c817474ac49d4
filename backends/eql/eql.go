// Package eql translates lowered queries into the Event Query Language as
// the Endgame EQL engine runs it (CAR's "EQL native"). The rules followed
// are in docs/design/eql.md, with their sources; the main ones are cited
// beside the table below.
package eql

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	eqllang "github.com/cartrans/cartrans/lang/eql"
	"github.com/cartrans/cartrans/profile"
)

var profiles = backends.EmbeddedProfiles(embeddedProfiles)

// fieldName writes a dotted field name of a dialect, each part as
// lang/eql's QuoteName writes it: bare when it is a plain name and not a
// keyword of the dialect, else in backticks.
func fieldName(d eqllang.Dialect) func(string) (string, error) {
	return func(name string) (string, error) {
		parts := strings.Split(name, ".")
		for i, p := range parts {
			q, err := eqllang.QuoteName(p, d)
			if err != nil {
				return "", err
			}
			parts[i] = q
		}
		return strings.Join(parts, "."), nil
	}
}

// bare reports a dotted name every part of which a dialect reads as a
// name when written bare: a name that is not a keyword.
func bare(name string, d eqllang.Dialect) bool {
	for p := range strings.SplitSeq(name, ".") {
		if q, err := eqllang.QuoteName(p, d); err != nil || q != p {
			return false
		}
	}
	return true
}

// literal writes a string literal of a dialect as lang/eql's Quote does
// (eql.g DQ_STRING, EqlBase.g4 STRING_ESCAPE).
func literal(d eqllang.Dialect) func(string, bool) (string, error) {
	return func(s string, _ bool) (string, error) { return eqllang.Quote(s, d) }
}

// Language is Endgame EQL. "==" compares strings case-insensitively and
// reads * as a wildcard that cannot be escaped, and ? literally
// (eql/functions.py Wildcard, eql/parser.py comparison); "in (…)" is
// exact, so lists with wildcards use wildcard(). Strings know the escapes
// \\ \" \n \t \r \b \f and no others: a Windows path's every backslash is
// doubled (eql/etc/eql.g). A value with a control character, which those
// escapes do not all cover (ESC, DEL, U+2028), is matched with match() and
// the character written \xHH, as Python's re reads it (NoControl). Logic is three-valued since EQL 0.9: a test on a
// missing field is null, "not null" is null, so a negated test gets the
// guard "f != null" to keep the pseudocode's two-valued meaning.
// match() is Python's re.match, anchored at the start and ignoring case.
var Language = &backends.Language{
	Name:  "eql",
	And:   " and ",
	Or:    " or ",
	Not:   "not ",
	Open:  "(",
	Close: ")",
	// not binds tighter than and, and than or (eql/etc/eql.g: or_expr
	// of and_expr of not_expr).
	Prec:      backends.Precedence{Or: 1, And: 2, Not: 3},
	Literal:   literal(eqllang.Endgame),
	NoControl: true,
	FieldName: fieldName(eqllang.Endgame),
	Match:     `{f} == {v}`,
	// In == patterns "?" is itself; "*" has no escape (docs/design/eql.md
	// A: EQL-F Wildcard.to_regex), so a literal "*" or a "?" wildcard is
	// a match() expression.
	MatchLiteral: "?",
	NumEq:        `{f} == {n}`,
	Compare:      `{f} {op} {n}`,
	Regexp:       `match({f}, {v})`,
	RegexpFor:    searchRegexp,
	Exists:       `{f} != null`,
	CIDR:         `cidrMatch({f}, {v})`,
	AnyOf:        `{f} in ({vs})`,
	ListSep:      ", ",
	NullUnknown:  true,
	Guard:        `{f} != null`,
}

// searchRegexp turns the pseudocode's unanchored RE2 search into a pattern
// for re.match, which anchors at the start: a lazy ".*?" in front. The
// leading (?i) or (?is) (backends.PatternRegexp) is dropped: match()
// ignores case and lets "." match a line break anyway (IGNORECASE,
// DOTALL), and Python allows global flags only at the very start.
func searchRegexp(p string) string {
	p = strings.TrimPrefix(strings.TrimPrefix(p, "(?is)"), "(?i)")
	return ".*?(?:" + p + ")"
}

// caseSensitive reports a pattern whose meaning depends on case: it has
// letters and does not ask to ignore case.
func caseSensitive(p string) bool {
	if strings.HasPrefix(p, "(?i)") {
		return false
	}
	return strings.ToLower(p) != strings.ToUpper(p)
}

// Elasticsearch is EQL as Elasticsearch runs it. There == is
// case-sensitive and reads * literally; ":" is case-insensitive with * and
// ? as wildcards and takes a list (Elasticsearch "EQL syntax reference",
// comparison operators). Strings know \\ \" \n \r \t and \u{…}. Whether
// "not" keeps events that lack the field is read from the source only, so
// the presence guard of the Endgame dialect is kept: it is right under
// either reading. Lucene's regular expressions are not RE2's, so a regular
// expression is reported, not translated.
var Elasticsearch = &backends.Language{
	Name:      "eql",
	Prec:      Language.Prec, // EqlBase.g4's booleanExpression: NOT, then AND, then OR
	And:       " and ",
	Or:        " or ",
	Not:       "not ",
	Open:      "(",
	Close:     ")",
	Literal:   literal(eqllang.Elasticsearch),
	NoControl: true,
	FieldName: fieldName(eqllang.Elasticsearch),
	Match:     `{f} : {v}`,
	// ":" reads "?" as one character, and has no escape for "*" or "?";
	// like is the same match with case, == a comparison with case and
	// no wildcards, in~ one without case and without wildcards
	// (docs/design/eql.md B: ES-SYN "Comparison operators", "Pattern
	// comparison keywords", "Lookup operators"; ES-SU toLikePattern).
	AnyChar:        "?",
	CasedExact:     `{f} == {v}`,
	CasedMatch:     `{f} like {v}`,
	ExactLiteral:   `{f} in~ ({v})`,
	NumEq:          `{f} == {n}`,
	Compare:        `{f} {op} {n}`,
	Exists:         `{f} != null`,
	CIDR:           `cidrMatch({f}, {v})`,
	AnyOf:          `{f} : ({vs})`,
	ListSep:        ", ",
	AnyOfWildcards: true,
	NullUnknown:    true,
	Guard:          `{f} != null`,
}

// language is the dialect a profile asks for.
func language(p *profile.Profile) *backends.Language {
	if p.Dialect == "elasticsearch" {
		return Elasticsearch
	}
	return Language
}

// dialect is lang/eql's name of the dialect a profile asks for.
func dialect(p *profile.Profile) eqllang.Dialect {
	if p.Dialect == "elasticsearch" {
		return eqllang.Elasticsearch
	}
	return eqllang.Endgame
}

// Backend is the EQL backend: its table.
type Backend = backends.Target[spec]

type spec struct{}

func (spec) Table() *backends.Table { return table }

var table = &backends.Table{Name: "eql", Profiles: profiles, Queries: func(*profile.Profile) *backends.Queries { return queries }}

// search writes a query over the events of q, and gives them as mapped
// too: a join's keys and a count's groups are fields of those events.
// Elasticsearch's regular expressions are Lucene's: where a profile
// needs one to be exact, it gets the approximate wildcard instead.
func search(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	if p.Dialect == "elasticsearch" {
		return esSearch.Run(q, p)
	}
	return endgameSearch.Run(q, p)
}

var (
	endgameSearch = &backends.Search{Lang: Language, Selector: selector(eqllang.Endgame), Check: check, Group: category, Frame: frame}
	esSearch      = &backends.Search{Lang: Elasticsearch, Selector: selector(eqllang.Elasticsearch), Approx: true, Check: check, Group: category, Frame: frame}
)

// category is an event's type: the profile's category, written as it is:
// one name, never a keyword of the dialect (the grammar has no quote for
// an event type: EQL-G event_query); "any" for log events, which both
// dialects read as every type (Elasticsearch lexes it as a keyword for
// that: ES-LEX).
func category(p *profile.Profile, ev backends.EventCond) (string, error) {
	c := "any"
	if ev.Event != nil && ev.Event.Category != "" {
		c = ev.Event.Category
	}
	if c != "any" && (strings.Contains(c, ".") || !bare(c, dialect(p))) {
		return "", fmt.Errorf("%s: profile %s: category %q of %s is not an EQL event type: a name of letters, digits and _, not a keyword", p.File, p.Name, c, ev.Source)
	}
	return c, nil
}

// frame writes "category where condition", over one category.
func frame(q ir.Query, _ *profile.Profile, groups []backends.Group, r *backends.Result) error {
	if len(groups) > 1 {
		return &backends.Unsupported{Construct: "a search over events of several categories (" + groups[0].Key + ", " + groups[1].Key + ")", Kind: "a search over events of several categories",
			Backend: "eql", Pos: q.Pos, Reason: "write one search per category"}
	}
	body := groups[0].Expr.Text
	if body == "" {
		body = "true"
	}
	r.Query = groups[0].Key + " where " + body
	return nil
}

// check refuses what the dialect cannot say and notes where it is
// approximate.
func check(p *profile.Profile, c ir.Cond, r *backends.Result) error {
	lang := language(p)
	var refused error
	ir.Walk(c, func(c ir.Cond) {
		if m, ok := c.(ir.Match); ok && lang == Language && m.Value.CaseMatters() && refused == nil {
			// Endgame lower-cases both sides of == and match() ignores
			// case (docs/design/eql.md A: EQL-U CASE_INSENSITIVE, EQL-F
			// Match IGNORECASE): no test has case.
			refused = &backends.Unsupported{Construct: fmt.Sprintf("the case-sensitive match of %q", m.Value.Str), Kind: "a case-sensitive match", Backend: "eql", Pos: m.Value.Pos,
				Reason: "Endgame EQL compares strings and regular expressions without case"}
		}
		if m, ok := c.(ir.Match); ok && lang == Elasticsearch && m.Value.Plain() && !m.Value.IsNum && strings.Contains(m.Value.Str, "?") {
			r.Fidelity = backends.Approximate
			r.Approximations = append(r.Approximations, backends.Note{Pos: m.Value.Pos, Kind: "a literal ? in a value",
				Text: "Elasticsearch's : reads the ? of " + fmt.Sprintf("%q", m.Value.Str) + " as a wildcard for one character, and it cannot be escaped"})
		}
		if re, ok := c.(ir.Regexp); ok && lang == Language && caseSensitive(re.Pattern) {
			r.Fidelity = backends.Approximate
			r.Approximations = append(r.Approximations, backends.Note{Pos: re.Field.Pos, Kind: "a case-sensitive regular expression",
				Text: "EQL's match() ignores case, so the regular expression " + fmt.Sprintf("%q", re.Pattern) + " also matches other cases of its letters"})
		}
	})
	return refused
}

// selector writes the profile's selector: flags as they are, field terms
// as comparisons.
//
// In Elasticsearch every selector value is a string: ECS's selector
// fields (event.code, event.type, event.dataset) are keywords, which
// Elasticsearch's EQL does not compare with numbers, and Elastic's own
// rules write event.code == "4624".
func selector(d eqllang.Dialect) backends.Selector {
	return backends.Selector{Eq: "{f} == {v}", In: "{f} in ({vs})", Sep: ", ",
		Value: func(v string) (string, error) {
			if numRE.MatchString(v) && d == eqllang.Endgame {
				return v, nil
			}
			return eqllang.Quote(v, d)
		},
		// A flag (Endgame's subtype.create) is a field path written
		// bare: each part a name, none a keyword.
		Flag: func(f string) (string, error) {
			if !bare(f, d) {
				return "", fmt.Errorf("EQL selector flag %q is not a field path of names that are not keywords", f)
			}
			return f, nil
		}}
}

var numRE = regexp.MustCompile(`^\d+$`)

// queries drives each kind of query. A pairing is EQL's sequence
// (ordered, with maxspan for a time bound) or join (unordered; join takes
// no maxspan), each side's keys in its own by clause (docs/design/eql.md
// §A.6); Elasticsearch has no join, and sample pairs events unordered.
var queries = &backends.Queries{Search: search,
	Join: &backends.Join{
		Check: func(q ir.Query, p *profile.Profile) error {
			if !q.Join.Ordered && q.Join.Within > 0 {
				return &backends.Unsupported{Construct: "a time bound without an order", Backend: "eql", Pos: q.Pos,
					Reason: "EQL's join takes no maxspan and its sequence needs an order"}
			}
			return nil
		},
		Key: func(ev backends.EventCond, p *profile.Profile, f ir.Field) (string, error) {
			field, err := backends.JoinKey(ev, p, f)
			if err != nil {
				return "", err
			}
			return language(p).FieldName(field)
		},
		Write: func(q ir.Query, p *profile.Profile, sides [2]backends.JoinSide, r *backends.Result) error {
			j := q.Join
			head := "join"
			switch {
			case j.Ordered && j.Within > 0:
				head = "sequence with maxspan=" + span(j.Within)
			case j.Ordered:
				head = "sequence"
			case p.Dialect == "elasticsearch":
				head = "sample"
			}
			r.Query = head
			for _, s := range sides {
				r.Query += " " + term(s.Query, s.Keys)
			}
			return nil
		}},
	Aggregate: &backends.Aggregate{Check: aggCheck, Rewrite: backends.CountOf, Write: aggregate}}

// term is one search of a sequence, join or sample, with its keys.
func term(query string, keys []string) string {
	if len(keys) == 0 {
		return "[" + query + "]"
	}
	return "[" + query + "] by " + strings.Join(keys, ", ")
}

// burst recognises a group kept when it holds more than one event within
// a time, "max(time) - min(time) <= D and count > 1" (CAR-2013-02-008's
// simultaneous logins): EQL has no minimum or maximum, but a sequence of
// two events of the same keys within D says nearly the same.
func burst(agg *ir.Aggregate) (time.Duration, bool) {
	cols := map[string]string{} // column -> min, max or count
	for _, it := range agg.Items {
		switch {
		case (it.Func == "min" || it.Func == "max") && it.Field != nil && it.Field.Name == "time":
			cols[it.As] = it.Func
		case it.Func == "count":
			cols[it.As] = "count"
		default:
			return 0, false
		}
	}
	and, ok := agg.Having.(ir.And)
	if !ok || len(and.Terms) != 2 || len(cols) != 3 {
		return 0, false
	}
	var within time.Duration
	var counted bool
	for _, t := range and.Terms {
		h, ok := t.(ir.Having)
		switch {
		case !ok:
			return 0, false
		case len(h.Terms) == 2 && cols[h.Terms[0].Name] == "max" && !h.Terms[0].Subtract &&
			cols[h.Terms[1].Name] == "min" && h.Terms[1].Subtract && (h.Op == "<=" || h.Op == "<") && h.Value > 0:
			within = time.Duration(h.Value * float64(time.Second))
		case len(h.Terms) == 1 && cols[h.Terms[0].Name] == "count" && !h.Terms[0].Subtract &&
			(h.Op == ">" && h.Value >= 1 && h.Value < 2 || h.Op == ">=" && h.Value > 1 && h.Value <= 2):
			counted = true
		default:
			return 0, false
		}
	}
	return within, within > 0 && counted
}

// span writes a duration as EQL's maxspan: whole units of s, m, h or d,
// else milliseconds (eql parser, time_range).
func span(d time.Duration) string {
	for _, u := range []struct {
		unit string
		d    time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if d%u.d == 0 {
			return fmt.Sprintf("%d%s", d/u.d, u.unit)
		}
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// aggCheck refuses what EQL's pipes cannot count: Endgame EQL has no
// pipe for min, max, avg or the rest, and Elasticsearch's EQL has no
// aggregation at all (docs/design/eql.md §A.6, §B.5); a burst is a
// sequence instead.
func aggCheck(q ir.Query, p *profile.Profile) error {
	if _, ok := burst(q.Aggregate); ok {
		return nil
	}
	if p.Dialect == "elasticsearch" {
		return &backends.Unsupported{Construct: "aggregation", Backend: "eql", Pos: q.Pos, Reason: "Elasticsearch's EQL has no aggregating pipe"}
	}
	return backends.OneCount(q, p, true, "EQL's only aggregating pipes count")
}

// aggregate writes a count of groups with EQL's pipes: "| count k1, k2 |
// filter count > N" (eql pipes: count, filter); count(f) counts the
// events that have f (backends.CountOf). A burst is written as two events
// of the same keys within the time; the query is approximate: it also
// fires when other events of the key lie outside that time, where the
// pseudocode's span of all the group's events exceeds it.
func aggregate(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []backends.EventCond, r *backends.Result) error {
	if within, ok := burst(agg); ok {
		keys, err := backends.PlainKeys(events, p, agg.By, language(p))
		if err != nil {
			return err
		}
		head := "sequence"
		if len(keys) > 0 {
			head += " by " + strings.Join(keys, ", ")
		}
		r.Query = head + " with maxspan=" + span(within) + " " + term(r.Query, nil) + " " + term(r.Query, nil)
		r.Fidelity = backends.Approximate
		r.Approximations = append(r.Approximations, backends.Note{Pos: q.Pos, Kind: "more than one event within a time as a sequence of two",
			Text: fmt.Sprintf("EQL has no minimum or maximum: the group's condition is written as two events of the same keys within %s, which also fires when the group's other events lie outside that time", span(within))})
		return nil
	}
	return count.Write(q, agg, p, Language, events, r)
}

var count = backends.CountPipe{Pipe: " | count", By: " {keys}", Having: " | filter {c}", Column: "count",
	Reason: "EQL's count pipe keeps only the count to filter on"}

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
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/lang/dnif"
	"github.com/cartrans/cartrans/profile"
)

var profiles = backends.EmbeddedProfiles(embeddedProfiles)

// The connectives a term of a where clause starts with, and the pipe
// that joins query functions, each function on a line of its own
// (lang/dnif: D-fetch "Syntax", D-checkif).
const (
	andTerm = dnif.And + " "
	notTerm = dnif.Not + " "
	pipe    = "\n" + dnif.Pipe
)

// Language is the where clause's terms (DNIF "_fetch"): a field equal to
// a number, or matching regex(…), case-insensitive with the i flag; terms
// joined by AND, a term negated by NOT (a binary "and not": whereClause
// puts it after a positive term). It has no OR and no grouping: term
// writes an or on one field as one alternation, and union the rest.
// regex()'s argument is unquoted, written through lang/dnif's
// EscapeRegexArg, the inverse of the reader's ScanRegex.
var Language = &backends.Language{
	Name:       "dnif",
	And:        " " + andTerm,
	Not:        notTerm,
	FieldName:  fieldName,
	Literal:    func(s string, _ bool) (string, error) { return dnif.EscapeRegexArg(s) },
	NumEq:      `{f}={n}`,
	Regexp:     `{f}=regex({v})`,
	RegexpFold: `{f}=regex({v})i`,
}

// Backend is the DNIF backend: its table.
type Backend = backends.Target[spec]

type spec struct{}

func (spec) Table() *backends.Table { return table }

var table = &backends.Table{Name: "dnif", Profiles: profiles, Queries: func(*profile.Profile) *backends.Queries { return queries }}

// queries drives each kind of query. A join is written as CAR's DNIF
// implementation of CAR-2013-03-001 does: each side is a labelled fetch
// (as #A, as #B; several fetches make one result set, DNIF "_fetch"
// Labelling), then "_checkif sjoin" keeps the pairs whose first key is
// equal, and a second key is compared with str_compare … eq. sjoin is
// not in DNIF's documentation (only "lookup … join" is, whose form it
// mirrors): this is the one attested use, so the backend writes nothing
// beyond it. It has no time bound, and its comparisons are taken to be
// case-sensitive, as DNIF's = is: the query is marked approximate for
// that, never for a key that is a number.
var queries = &backends.Queries{Search: search,
	Join: &backends.Join{Side: fetchSide, Write: joinText,
		Check: func(q ir.Query, p *profile.Profile) error {
			j := q.Join
			if j.Within > 0 {
				return &backends.Unsupported{Construct: "a time-bounded join", Backend: "dnif", Pos: q.Pos,
					Reason: "DNIF bounds only the whole search's time range; no directive pairs events within a time of each other"}
			}
			if len(j.Keys) == 0 || len(j.Keys) > 2 {
				return &backends.Unsupported{Construct: fmt.Sprintf("a join on %d keys", len(j.Keys)), Kind: "a join on several keys", Backend: "dnif", Pos: q.Pos,
					Reason: "_checkif sjoin compares one key with = and one more with str_compare"}
			}
			_, err := limitOf(p)
			return err
		},
		Key: func(ev backends.EventCond, p *profile.Profile, f ir.Field) (string, error) {
			field, err := backends.JoinKey(ev, p, f)
			if err != nil {
				return "", err
			}
			return fieldName(field)
		}},
	Aggregate: &backends.Aggregate{Check: aggCheck, Source: fetchSide, Write: aggregate}}

// The kinds of condition a where clause cannot say that a union of
// fetches can: search falls back to one for them.
const (
	kindOrAcrossFields = "an or across fields"
	kindNegatedAnd     = "a negated or grouped and"
	kindNestedOr       = "a nested or"
)

var unionKinds = map[string]bool{kindOrAcrossFields: true, kindNegatedAnd: true, kindNestedOr: true}

// search writes a fetch of one kind of event: its where clause, and the
// tests it cannot say as _checkif filters after it; an or it cannot say
// is a union of fetches.
func search(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	r := backends.Result{Fidelity: backends.Exact}
	limit, err := limitOf(p)
	if err != nil {
		return r, nil, err
	}
	ev, err := mapOne(q, p, &r.Explain)
	if err != nil {
		return r, nil, err
	}
	conds, checks, err := checkifs(ev.Cond, &r)
	if err != nil {
		return r, nil, err
	}
	where, err := whereClause(q, p, ev, conds)
	if err == nil && len(checks) > 0 {
		r.Query = "_fetch * from event where " + where + " limit " + limit + pipe + strings.Join(checks, pipe)
		return r, []backends.EventCond{ev}, nil
	}
	var u *backends.Unsupported
	if errors.As(err, &u) && unionKinds[backends.Category(u)] {
		ur, uerr := union(q, p, ev, limit)
		ur.Explain = r.Explain
		return ur, []backends.EventCond{ev}, uerr
	}
	if err != nil {
		return r, nil, err
	}
	r.Query = "_fetch * from event where " + where + " limit " + limit
	return r, []backends.EventCond{ev}, nil
}

// fetchSide writes the where clause of one side of a join, or of an
// aggregate's source: the fetch around it is the writer's.
func fetchSide(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
	r := backends.Result{Fidelity: backends.Exact}
	where, ev, err := fetch(q, p, &r.Explain)
	r.Query = where
	return r, []backends.EventCond{ev}, err
}

// joinText writes the labelled fetches and the _checkif of their keys.
func joinText(q ir.Query, p *profile.Profile, sides [2]backends.JoinSide, r *backends.Result) error {
	limit, _ := limitOf(p) // checked by Check
	labels := [2]string{"#A", "#B"}
	var fetches, tests []string
	for i, s := range sides {
		fetches = append(fetches, "_fetch * from event where "+s.Query+" as "+labels[i]+" limit "+limit)
	}
	caseSensitive := false
	for n, k := range q.Join.Keys {
		a, b := labels[0]+"."+sides[0].Keys[n], labels[1]+"."+sides[1].Keys[n]
		if !numericKey(k.Left.Name) || !numericKey(k.Right.Name) {
			caseSensitive = true
		}
		if n == 0 {
			tests = append(tests, "sjoin "+a+" = "+b)
		} else {
			tests = append(tests, "str_compare "+a+" eq "+b)
		}
	}
	if caseSensitive {
		r.Fidelity = backends.Approximate
		r.Approximations = append(r.Approximations, backends.Note{Pos: q.Pos, Kind: "a join that compares keys case-sensitively",
			Text: "sjoin and str_compare eq are taken to compare as DNIF's = does, with case; the pseudocode's == ignores it"})
	}
	r.Query = strings.Join(fetches, pipe) + pipe + "_checkif " + strings.Join(tests, " ") + " include"
	return nil
}

// aggCheck refuses what group count_unique cannot count.
func aggCheck(q ir.Query, p *profile.Profile) error {
	agg := q.Aggregate
	if err := backends.OneCount(q, p, false, "group count_unique counts the events of each key, and _checkif compares one column with a number"); err != nil {
		return err
	}
	if len(agg.By) == 0 || len(agg.By) > 4 {
		return &backends.Unsupported{Construct: fmt.Sprintf("a count by %d keys", len(agg.By)), Kind: "a count by several keys", Backend: "dnif", Pos: q.Pos,
			Reason: "group count_unique takes one to four fields"}
	}
	_, err := limitOf(p)
	return err
}

// aggregate writes a count of events by keys as DNIF's fetch does it,
// "group count_unique $k1, $k2" (DNIF "_fetch", Event Aggregation: one
// row per distinct combination, its count in the column count_unique),
// and the condition on the count as _checkif int_compare filters (DNIF
// "_checkif"), one per term of an and; a negated term excludes. The only
// comparisons DNIF's documentation and CAR show are <= and >, so the
// others are written with them: a count is a whole number, so "c >= 3" is
// "c > 2" and "c < 3" is "c <= 2".
func aggregate(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []backends.EventCond, r *backends.Result) error {
	limit, _ := limitOf(p) // checked by aggCheck
	keys, err := backends.PlainKeys(events, p, agg.By, Language)
	if err != nil {
		return err
	}
	r.Query = "_fetch * from event where " + r.Query + " group count_unique " + strings.Join(keys, ", ") + " limit " + limit
	var checks []string
	for _, c := range conjuncts(agg.Having) {
		check, err := countCheck(c, agg.Items[0].As)
		if err != nil {
			return err
		}
		checks = append(checks, check...)
	}
	for _, c := range checks {
		r.Query += pipe + "_checkif int_compare count_unique " + c
	}
	return nil
}

// countCheck writes one condition on the count as int_compare filters.
func countCheck(c ir.Cond, count string) ([]string, error) {
	mode := "include"
	if n, ok := c.(ir.Not); ok {
		c, mode = n.X, "exclude"
	}
	h, ok := c.(ir.Having)
	if !ok || len(h.Terms) != 1 || h.Terms[0].Subtract || h.Terms[0].Name != count {
		return nil, &backends.Unsupported{Construct: "a condition on a count other than a comparison of it with a number", Backend: "dnif", Pos: havingPos(c),
			Reason: "_checkif int_compare compares one column with a number, one condition at a time"}
	}
	// The largest whole number at or below the value, and whether the
	// value is whole: "c > 1.5" is "c > 1", "c < 1.5" is "c <= 1".
	fl := math.Floor(h.Value)
	whole := fl == h.Value
	n := int64(fl)
	var out []string
	switch h.Op {
	case ">":
		out = []string{fmt.Sprintf("> %d", n)}
	case ">=":
		if whole {
			n--
		}
		out = []string{fmt.Sprintf("> %d", n)}
	case "<=":
		out = []string{fmt.Sprintf("<= %d", n)}
	case "<":
		if whole {
			n--
		}
		out = []string{fmt.Sprintf("<= %d", n)}
	case "==":
		if !whole {
			return nil, &backends.Unsupported{Construct: "a count equal to a fraction", Backend: "dnif", Pos: h.Pos}
		}
		if mode == "exclude" {
			break
		}
		out = []string{fmt.Sprintf("> %d", n-1), fmt.Sprintf("<= %d", n)}
	}
	if out == nil {
		return nil, &backends.Unsupported{Construct: "a count that is not equal to a number", Backend: "dnif", Pos: h.Pos,
			Reason: "that is an or of two comparisons, and successive _checkif filters only and them"}
	}
	for i := range out {
		out[i] += " " + mode
	}
	return out, nil
}

// havingPos is where a condition on columns is, or nothing.
func havingPos(c ir.Cond) diag.Pos {
	var pos diag.Pos
	ir.Walk(c, func(c ir.Cond) {
		if h, ok := c.(ir.Having); ok && pos == (diag.Pos{}) {
			pos = h.Pos
		}
	})
	return pos
}

// checkifs takes out of a condition's conjuncts the tests the where
// clause cannot say and _checkif can (DNIF "_checkif", SYNTAX: "_checkif
// [function] [include | exclude]", "int_compare $field1 > | < | = | != |
// >= | <= integer", "key_exists $field1"): a numeric comparison with a
// whole number is "int_compare $F op n include", a negated one the same
// with exclude; a test of presence is "key_exists $F exclude" (include
// keeps the rows where "no value exists"), its negation include. include
// and exclude keep complementary rows ("Includes or excludes rows … which
// satisfy the condition"; for lookup: "Basically, they are opposites of
// each other"), and a row without the field satisfies no comparison, so
// exclude keeps it: two-valued, as the pseudocode. key_exists counts an
// empty value as no value ("no value refers to both, null values … and
// empty strings"), where the pseudocode's exists holds: that is noted as
// an approximation. Each _checkif filters the result set of the fetch
// before it, which its limit has already cut (docs/design/dnif.md §4).
func checkifs(c ir.Cond, r *backends.Result) (rest []ir.Cond, checks []string, err error) {
	for _, t := range conjuncts(c) {
		x, mode, other := t, "include", "exclude"
		if n, ok := t.(ir.Not); ok {
			x, mode, other = n.X, "exclude", "include"
		}
		var check string
		switch x := x.(type) {
		case ir.Compare:
			if x.Value.Num != math.Trunc(x.Value.Num) || math.Abs(x.Value.Num) > 1<<53 {
				return nil, nil, &backends.Unsupported{Construct: "a comparison with a number that is not whole", Backend: "dnif", Pos: x.Field.Pos,
					Reason: "_checkif int_compare compares integers"}
			}
			name, ferr := checkField(x.Field)
			if ferr != nil {
				return nil, nil, ferr
			}
			check = fmt.Sprintf("_checkif int_compare %s %s %d %s", name, x.Op, int64(x.Value.Num), mode)
		case ir.Exists:
			name, ferr := checkField(x.Field)
			if ferr != nil {
				return nil, nil, ferr
			}
			check = "_checkif key_exists " + name + " " + other
			r.Fidelity = backends.Approximate
			r.Approximations = append(r.Approximations, backends.Note{Pos: x.Field.Pos, Kind: "a test of presence that counts an empty value as none",
				Text: "_checkif key_exists takes a field with an empty value for one without any; the pseudocode's exists holds of an empty value"})
		default:
			rest = append(rest, t)
			continue
		}
		checks = append(checks, check)
	}
	return rest, checks, nil
}

// checkField names a field in a _checkif: an extracted $Name (the
// documented examples name no raw @field there).
func checkField(f ir.Field) (string, error) {
	name, err := fieldName(backends.Name(f))
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(name, "$") {
		return "", &backends.Unsupported{Construct: "a _checkif test of the raw field " + name, Kind: "a _checkif test of a raw field", Backend: "dnif", Pos: f.Pos,
			Reason: "DNIF's _checkif examples name extracted $fields only"}
	}
	return name, nil
}

// numericKey reports a CAR field whose values are numbers (process ids,
// ports), for which case does not matter.
func numericKey(name string) bool {
	switch name {
	case "pid", "ppid", "src_pid", "tgt_pid", "target_pid", "src_port", "dest_port", "logon_id":
		return true
	}
	return false
}

func limitOf(p *profile.Profile) (string, error) {
	limit := p.Settings["limit"]
	if !numRE.MatchString(limit) {
		return "", fmt.Errorf("profile %s: setting limit must be a number, not %q", p.Name, limit)
	}
	return limit, nil
}

// fetch writes the where clause of one search, and the event it reads.
func fetch(q ir.Query, p *profile.Profile, explain *[]backends.Note) (string, backends.EventCond, error) {
	ev, err := mapOne(q, p, explain)
	if err != nil {
		return "", ev, err
	}
	where, err := whereClause(q, p, ev, conjuncts(ev.Cond))
	return where, ev, err
}

// mapOne maps a query onto the one kind of event it searches.
func mapOne(q ir.Query, p *profile.Profile, explain *[]backends.Note) (backends.EventCond, error) {
	events, err := backends.Map(q, p, explain, nil)
	if err != nil {
		return backends.EventCond{}, err
	}
	if len(events) > 1 {
		return backends.EventCond{}, &backends.Unsupported{Construct: "a search over several kinds of event", Backend: "dnif", Pos: q.Pos,
			Reason: "DNIF's where clause has no OR to unite them"}
	}
	return events[0], nil
}

// whereClause writes the selector and the conjuncts as one where clause.
func whereClause(q ir.Query, p *profile.Profile, ev backends.EventCond, conds []ir.Cond) (string, error) {
	return whereTerms(q, p, ev, conds, nil)
}

// termResult is a term written, or why not.
type termResult struct {
	t   string
	err error
}

// whereTerms is whereClause with the terms already written for other
// alternatives of a union (its fetches share most of their terms).
func whereTerms(q ir.Query, p *profile.Profile, ev backends.EventCond, conds []ir.Cond, written map[ir.Cond]termResult) (string, error) {
	var terms []string
	for _, t := range ev.Selector {
		name, err := fieldName(t.Field)
		if err != nil {
			return "", err
		}
		t, err := selectorTerm(name, t.Values)
		if err != nil {
			return "", fmt.Errorf("profile %s: %v", p.Name, err)
		}
		terms = append(terms, andTerm+t)
	}
	// Positive terms first: NOT means "and not" and needs one before it.
	var negs []string
	for _, c := range conds {
		t, err := cachedTerm(c, written)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(t, notTerm) {
			negs = append(negs, t)
		} else {
			terms = append(terms, t)
		}
	}
	where := strings.TrimPrefix(strings.Join(append(terms, negs...), " "), andTerm)
	if strings.HasPrefix(where, notTerm) {
		return "", &backends.Unsupported{Construct: "a condition that begins with a negation", Backend: "dnif", Pos: q.Pos,
			Reason: "DNIF's NOT means \"and not\" and needs a term before it; the profile selects no events to put there"}
	}
	return where, nil
}

// union writes a condition the where clause cannot say, an or across
// fields or a negated and, as several labelled fetches, one per
// alternative of the condition in disjunctive form: DNIF's several
// fetches in one pipeline build "an inclusive result set" (DNIF "_fetch",
// Labelling). An event that meets several alternatives is fetched by
// each, so the query is approximate: it lists such an event more than
// once.
func union(q ir.Query, p *profile.Profile, ev backends.EventCond, limit string) (backends.Result, error) {
	r := backends.Result{Fidelity: backends.Approximate}
	branches, ok := disjunctive(ev.Cond, false)
	if !ok {
		return r, &backends.Unsupported{Construct: fmt.Sprintf("a condition of more than %d alternatives", maxBranches), Kind: "a condition of too many alternatives", Backend: "dnif", Pos: q.Pos,
			Reason: "each alternative is a fetch of its own"}
	}
	var fetches []string
	written := map[ir.Cond]termResult{}
	for i, b := range branches {
		where, err := whereTerms(q, p, ev, b, written)
		if err != nil {
			return r, err
		}
		fetches = append(fetches, "_fetch * from event where "+where+" as #"+string(rune('A'+i))+" limit "+limit)
	}
	r.Query = strings.Join(fetches, pipe)
	r.Approximations = []backends.Note{{Pos: q.Pos, Kind: "an or as a union of fetches",
		Text: "DNIF's where clause has no OR: each alternative is a fetch of its own, and an event that meets several is listed once for each"}}
	return r, nil
}

// mergeAlternative adds an alternative, folding a one-term alternative
// into an earlier one-term alternative on the same field: tests of one
// field are one regex() alternation, in one fetch.
func mergeAlternative(alts [][]ir.Cond, alt []ir.Cond) [][]ir.Cond {
	if len(alt) == 1 {
		for i, a := range alts {
			if len(a) != 1 {
				continue
			}
			merged := ir.Or{Terms: append(alternatives(a[0]), alternatives(alt[0])...)}
			if _, _, err := termCond(merged); err == nil {
				alts[i] = []ir.Cond{merged}
				return alts
			}
		}
	}
	return append(alts, alt)
}

// alternatives are the terms of an or, or the condition itself.
func alternatives(c ir.Cond) []ir.Cond {
	if o, ok := c.(ir.Or); ok {
		return o.Terms
	}
	return []ir.Cond{c}
}

// maxBranches bounds the fetches a union may take.
const maxBranches = 12

// disjunctive writes a condition (negated when neg) as alternatives, each
// a list of conjuncts the where clause can say: a leaf, a negated leaf, or
// an or on one field (one alternation). ok is false past maxBranches.
func disjunctive(c ir.Cond, neg bool) (alts [][]ir.Cond, ok bool) {
	self := c
	if neg {
		self = ir.Not{X: c}
	}
	if _, _, err := termCond(self); err == nil {
		return [][]ir.Cond{{self}}, true
	}
	switch c := c.(type) {
	case ir.Not:
		return disjunctive(c.X, !neg)
	case ir.And, ir.Or:
		var parts []ir.Cond
		_, isAnd := c.(ir.And)
		if isAnd {
			parts = c.(ir.And).Terms
		} else {
			parts = c.(ir.Or).Terms
		}
		if isAnd != neg { // an and, or a negated or: every part holds
			alts = [][]ir.Cond{nil}
			for _, part := range parts {
				sub, ok := disjunctive(part, neg)
				if !ok || len(alts)*len(sub) > maxBranches {
					return nil, false
				}
				var next [][]ir.Cond
				for _, a := range alts {
					for _, s := range sub {
						next = append(next, append(slices.Clone(a), s...))
					}
				}
				alts = next
			}
			return alts, true
		}
		for _, part := range parts { // an or, or a negated and: one part holds
			sub, ok := disjunctive(part, neg)
			if !ok {
				return nil, false
			}
			for _, s := range sub {
				alts = mergeAlternative(alts, s)
			}
			if len(alts) > maxBranches {
				return nil, false
			}
		}
		return alts, true
	}
	return [][]ir.Cond{{self}}, true // term says what it cannot write
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
	arg, err := dnif.EscapeRegexArg("^(" + strings.Join(quoted, "|") + ")$")
	if err != nil {
		return "", fmt.Errorf("DNIF selector %s: %v", name, err)
	}
	return name + "=regex(" + arg + ")", nil
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
// cachedTerm is term(c), written once per union for a test that can be a
// map key (a leaf, or the negation of one).
func cachedTerm(c ir.Cond, written map[ir.Cond]termResult) (string, error) {
	if written == nil || !isKey(c) {
		return term(c)
	}
	if r, ok := written[c]; ok {
		return r.t, r.err
	}
	t, err := term(c)
	written[c] = termResult{t, err}
	return t, err
}

// isKey reports whether a condition can be a map key: a leaf (its
// values are all comparable), or the negation of one; and, or and a
// negation of them hold slices.
func isKey(c ir.Cond) bool {
	switch c := c.(type) {
	case ir.Match, ir.Regexp, ir.Compare, ir.Exists, ir.CIDR, ir.Keyword:
		return true
	case ir.Not:
		return isKey(c.X)
	}
	return false
}

func term(c ir.Cond) (string, error) {
	op, leaf, err := termCond(c)
	if err != nil {
		return "", err
	}
	if op == notTerm {
		return Language.Emit(ir.Not{X: leaf})
	}
	t, err := Language.Emit(leaf)
	return op + t, err
}

// termCond says whether a conjunct can be one term, and how: its
// operator, and the leaf the Language writes (a number, or one regular
// expression); checking it writes nothing.
func termCond(c ir.Cond) (op string, _ ir.Cond, _ error) {
	op = andTerm
	if n, ok := c.(ir.Not); ok {
		op, c = notTerm, n.X
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
			return "", nil, err
		}
		if i > 0 && backends.Name(f) != backends.Name(field) {
			return "", nil, &backends.Unsupported{Construct: kindOrAcrossFields, Backend: "dnif", Pos: f.Pos,
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
			return "", nil, &backends.Unsupported{Construct: "an or of case-sensitive and case-insensitive tests", Backend: "dnif", Pos: f.Pos,
				Reason: "one DNIF regex() is either case-sensitive or not"}
		}
		insensitive = 0
		if ci {
			insensitive = 1
		}
		bodies = append(bodies, body)
	}
	if _, err := fieldName(backends.Name(field)); err != nil {
		return "", nil, err
	}
	if numeric != "" {
		return op, alts[0], nil
	}
	re := bodies[0]
	if len(bodies) > 1 {
		re = "(" + strings.Join(bodies, "|") + ")"
	}
	if _, err := dnif.EscapeRegexArg(re); err != nil {
		return "", nil, &backends.Unsupported{Construct: "the regular expression " + strconv.Quote(re), Kind: "a regular expression the language cannot write", Backend: "dnif", Pos: field.Pos, Reason: err.Error()}
	}
	if insensitive == 1 {
		re = "(?i)" + re // regex(…)i: Language.RegexpFold
	}
	return op, ir.Regexp{Field: field, Pattern: re}, nil
}

// leaf writes a test as a regular expression body (or, for a number, the
// number), with whether it ignores case.
func leaf(c ir.Cond) (f ir.Field, body string, insensitive bool, num string, err error) {
	switch c := c.(type) {
	case ir.Match:
		if c.Value.IsNum {
			return c.Field, "", true, c.Value.NumText(), nil
		}
		// Every string test is a regular expression: a ? wildcard is
		// ".", and a cased value is a regex() without the i flag.
		return c.Field, "^" + backends.PatternBody(c.Value, ".*", ".") + "$", !c.Value.CaseMatters(), "", nil
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
		name = kindNegatedAnd
	case ir.Or:
		name = kindNestedOr
	case ir.Not:
		name = "a double negation"
	}
	u := &backends.Unsupported{Construct: name, Backend: "dnif", Reason: "DNIF's _fetch where clause is a chain of field=value and regex() terms"}
	if fs := ir.Fields(c); len(fs) > 0 {
		u.Pos = fs[0].Pos // the construct's first field says where it is
	}
	return ir.Field{}, "", false, "", u
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

var (
	plainRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)
	numRE   = regexp.MustCompile(`^\d+$`)
)

// The names are checked by hand, once per leaf, rather than by regular
// expressions, which cost more than writing the query; TestNameChecks
// holds them equal to the expressions they stand for.

// isField reports whether s is an extracted field's name:
// ^[A-Za-z][A-Za-z0-9_]*$.
func isField(s string) bool {
	return s != "" && s[0] != '_' && !('0' <= s[0] && s[0] <= '9') && isIdent(s)
}

// isRaw reports whether s is @ and a raw key, dotted for nested keys:
// ^@[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$.
func isRaw(s string) bool {
	rest, ok := strings.CutPrefix(s, "@")
	if !ok {
		return false
	}
	for {
		part, after, more := strings.Cut(rest, ".")
		if part == "" || '0' <= part[0] && part[0] <= '9' || !isIdent(part) {
			return false
		}
		if !more {
			return true
		}
		rest = after
	}
}

// isIdent reports whether s is letters, digits and _ only.
func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}

// fieldName writes an extracted field as $Name and a raw one, which a
// profile writes @Name, as @Name (DNIF "Search on Raw": a key of the raw
// JSON or key=value log, dotted for nested keys).
func fieldName(name string) (string, error) {
	if isRaw(name) {
		return name, nil
	}
	if !isField(name) {
		return "", fmt.Errorf("DNIF field names are letters, digits and _ (or @ and a raw key), not %q", name)
	}
	return "$" + name, nil
}

package kql

import (
	"strconv"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	kqllang "github.com/cartrans/cartrans/lang/kql"
	"github.com/cartrans/cartrans/profile"
)

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
	Match:        `{f} matches regex {v}`, // literal writes a pattern as RE2, (?is)
	Contains:     `{f} contains {v}`,
	StartsWith:   `{f} startswith {v}`,
	EndsWith:     `{f} endswith {v}`,
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

// selector writes a profile's selector terms: a column equal to a value
// (== or in, with case: the values are the schema's own), a number bare.
var selector = backends.Selector{Eq: "{f} == {v}", In: "{f} in ({vs})", Sep: ", ",
	Value: func(v string) (string, error) {
		if _, err := strconv.ParseUint(v, 10, 64); err == nil {
			return v, nil
		}
		return kqllang.Quote(v), nil
	}}

// search writes the events' searches, the query's condition and each
// event's selector, grouped by table (the profile's categories).
var search = &backends.Search{Lang: Language, Selector: selector, Check: refuse, Group: table, Frame: frame}

// aggs are summarize's aggregation functions for the pseudocode's
// (kql.md §4). unique is left out: dcount() is an estimate.
var aggs = map[string]string{"count": "count", "min": "min", "max": "max", "avg": "avg", "stddev": "stdev", "sum": "sum", "values": "make_set"}

// queries drives each kind of query (kql.md §4): a pairing is "L | join
// kind=inner (R) on keys", each side computing its keys lower-cased, as
// the pseudocode compares them, and requiring them present; the time
// bound and order are a where on each side's time column, copied under
// its own name. Groups are summarize's.
var queries = &backends.Queries{Search: search.Run,
	Join: &backends.Join{Guard: true, Key: joinKey, Write: joinText,
		Check: func(q ir.Query, p *profile.Profile) error {
			j := q.Join
			switch {
			case !j.Ordered && j.Within > 0:
				return &backends.Unsupported{Construct: "a time bound without an order", Backend: "kql", Pos: q.Pos,
					Reason: "the pseudocode's unordered bound is not written yet"}
			case j.Ordered && p.Settings["time_column"] == "":
				return &backends.Unsupported{Construct: "an ordered join", Backend: "kql", Pos: q.Pos, Reason: "profile " + p.Name + " names no time column"}
			}
			return nil
		}},
	Aggregate: &backends.Aggregate{Guard: true, Write: aggregate}}

// keys are join and group keys as the pseudocode compares them: the
// field's value after the profile's transform (a host name's first
// label, a path's last part), lower-cased.
var keys = backends.KeyForms{
	profile.Same:     "tolower(tostring({f}))",
	profile.HostName: `tolower(tostring(split({f}, ".")[0]))`,
	profile.BaseName: `tolower(tostring(extract(@"[^\\/]*$", 0, {f})))`,
}

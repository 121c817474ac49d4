// Package backends holds what the query backends share: the Language table
// each declares its syntax in (operators and their precedence, literals,
// the templates of each test), the one emitter that prints a lowered
// condition (package ir) in a language, and the drivers of whole queries
// (driver.go, queries.go): per output, each event type's selector and the
// condition, ored across event types, and joins and aggregates, through a
// backend's tables and the few hooks its language needs. A backend is its
// Table (target.go); its own code is only for what its language alone
// needs.
package backends

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Language declares a query language's syntax and semantics as data.
// Templates use {f} for the field name, {v} for a quoted literal, {n} for a
// number, {op} for an ordering operator.
type Language struct {
	Name string

	// Boolean structure.
	And, Or, Not string // joiners and the negation prefix
	Open, Close  string // grouping

	// NotCall is set when the negation is a function (KQL's not()): its
	// argument is then parenthesised even when it is a bare leaf.
	NotCall bool
	// Prec is how tightly And, Or and Not bind: parentheses are written
	// only where it needs them.
	Prec Precedence

	// Quote and Escapes write a string literal: Escapes are old/new
	// pairs applied in one pass (a strings.Replacer).
	Quote   string
	Escapes []string
	// WildcardEscapes escape characters that are special in a wildcard
	// pattern of the language but literal in ours (applied before the
	// "*" of our wildcards are written). Nil when nothing needs escaping.
	WildcardEscapes []string
	// Literal, when set, writes a string literal instead of Quote and
	// Escapes, for a language whose quoting is not a simple escape (an
	// error: the value cannot be written).
	Literal func(s string, wildcard bool) (string, error)
	// NoControl is set when a string literal cannot hold control
	// characters (tabs, line breaks): such a value is then unsupported by
	// the language's plain matches, and a backend may say it otherwise.
	NoControl bool
	// FieldName writes a field name, quoting it where the language needs;
	// an error when the name cannot be written.
	FieldName func(string) (string, error)

	// Templates of the leaves. An empty template means the language
	// cannot say it in a boolean expression.
	Match string // a case-insensitive wildcard match of a string
	// A pattern that is one text after a run, before one, or between two
	// (*x*, x*, *x) has these case-insensitive tests where set, {v} the
	// text as a literal; empty: Match.
	Contains, StartsWith, EndsWith string
	Exact                          string // a case-insensitive match of a string without wildcards; empty: Match
	NumEq                          string // numeric equality
	Compare                        string // {f} {op} {n}
	Regexp                         string // {f} and {v}, the pattern as a string literal
	// RegexpFold is a regular expression test that ignores case, for a
	// pattern that begins with (?i), which it takes off; empty: Regexp
	// with the flag in the pattern.
	RegexpFold string
	Exists     string
	CIDR       string // {f}, and {v} the block as a string literal or {b} as written
	AnyOf      string // a list of values on one field: {f} and {vs}, the quoted values joined by ListSep; empty: an or of matches
	ListSep    string
	// AnyOfWildcards is set when AnyOf expands wildcards in its values.
	AnyOfWildcards bool

	// What Match's patterns can say beyond the pseudocode's (for a value
	// that is not ir.Value.Plain): AnyChar writes a wildcard for exactly
	// one character, empty when the patterns have none; MatchLiteral
	// lists which of "*" and "?" a pattern holds as itself (Endgame EQL's
	// "?" is literal; no language has an escape for its "*").
	AnyChar      string
	MatchLiteral string
	// Case-sensitive tests, and an exact one where every character is
	// itself: CasedExact of a string without wildcards, CasedMatch a
	// wildcard match (its patterns as Match's), ExactLiteral a
	// case-insensitive test of a string without wildcards. Empty when
	// the language has none; a match they cannot say is a regular
	// expression (Regexp), or refused.
	CasedExact, CasedMatch, ExactLiteral string

	RegexpFor func(pattern string) string // rewrites an RE2 pattern for the language (nil: as is)

	// NullUnknown is set for three-valued languages, where a comparison
	// on a missing field is unknown and "not unknown" is unknown too: a
	// leaf under a negation then gets Guard, so that, as the pseudocode
	// says, a comparison on a missing field is false.
	NullUnknown bool
	Guard       string // {f}: the field is present

	once             sync.Once
	escaper, wescape *strings.Replacer
	// fieldNames remembers FieldName's answers (see fieldName).
	fieldNames     sync.Map
	fieldNameCount atomic.Int64
}

// replacers builds the escapers once: a Replacer is costly to build and a
// query writes many literals.
func (l *Language) replacers() (*strings.Replacer, *strings.Replacer) {
	l.once.Do(func() {
		if l.Escapes != nil {
			l.escaper = strings.NewReplacer(l.Escapes...)
		}
		if l.WildcardEscapes != nil {
			l.wescape = strings.NewReplacer(l.WildcardEscapes...)
		}
	})
	return l.escaper, l.wescape
}

// Unsupported is a construct a language cannot express.
type Unsupported struct {
	// Construct names the construct as the input has it (with its
	// values); Kind, when set, names its kind alone ("a keyword search"),
	// for summaries (see Category).
	Construct string
	Kind      string
	Backend   string
	Pos       diag.Pos
	Reason    string
}

func (u *Unsupported) Error() string {
	msg := fmt.Sprintf("%s: %s cannot express %s", u.Pos, u.Backend, u.Construct)
	if u.Reason != "" {
		msg += " (" + u.Reason + ")"
	}
	return msg
}

// Unmapped is a field or event a profile does not map.
type Unmapped struct {
	What    string // "field exe of process/create", "events of process/access"
	Profile string
	Pos     diag.Pos
}

// Kind is "unmapped field" or "unmapped event".
func (u *Unmapped) Kind() string {
	if strings.HasPrefix(u.What, "field ") {
		return "unmapped field"
	}
	return "unmapped event"
}

// Category names the kind of a refusal in a few words, the same whatever
// its values and however its message is worded, for summaries: the
// Kind of an Unsupported (or its Construct when it has none), of an
// Unmapped, and of the IR's and the Sigma mapping's refusals (any error
// with a Category method). Other errors are "other".
func Category(err error) string {
	var u *Unsupported
	var l *ir.Unsupported
	var m *Unmapped
	var c interface{ Category() string }
	switch {
	case errors.As(err, &u):
		if u.Kind != "" {
			return u.Kind
		}
		return u.Construct
	case errors.As(err, &l):
		if l.Kind != "" {
			return l.Kind
		}
		return l.Construct
	case errors.As(err, &m):
		return m.Kind()
	case errors.As(err, &c):
		return c.Category()
	}
	return "other"
}

func (u *Unmapped) Error() string {
	return fmt.Sprintf("%s: profile %s does not map %s", u.Pos, u.Profile, u.What)
}

// IsUnsupported reports whether err says a construct cannot be expressed
// (rather than that a mapping is missing).
func IsUnsupported(err error) bool {
	var u *Unsupported
	var l *ir.Unsupported
	return errors.As(err, &u) || errors.As(err, &l)
}

// Note explains one part of a query, for convert --explain and for the
// approximations a result carries.
type Note struct {
	Pos  diag.Pos `json:"pos"`
	Text string   `json:"text"`
	// Kind names an approximation in a few words, for summaries.
	Kind string `json:"kind,omitempty"`
}

// EventCond is the condition of one data model event in a profile's terms:
// its selector, and the query's condition with fields mapped and values
// transformed.
type EventCond struct {
	Source   ir.Source
	Event    *profile.Event
	Selector []profile.Term
	Cond     ir.Cond // fields are the profile's names
}

// Map maps a query's condition onto every event it searches, expanding
// "every action" to the actions the profile maps. A transform that needs a
// regular expression to be exact (a wildcard inside a base name, a
// registry key's path) uses one; for a language without regular
// expressions, pass approx: the transform is then a wildcard pattern that
// matches a little more, and each such place is noted there.
func Map(q ir.Query, p *profile.Profile, explain, approx *[]Note) ([]EventCond, error) {
	return mapQuery(q, p, explain, approx, false)
}

// MapKeywords is Map for the engine that runs Sigma's keyword searches
// itself (the native one, which tests every field of an event): an
// ir.Keyword is kept as it is, not refused.
func MapKeywords(q ir.Query, p *profile.Profile) ([]EventCond, error) {
	return mapQuery(q, p, nil, nil, true)
}

func mapQuery(q ir.Query, p *profile.Profile, explain, approx *[]Note, keywords bool) ([]EventCond, error) {
	if q.Join != nil {
		// A backend that pairs events handles joins before it maps.
		return nil, &Unsupported{Construct: "join", Backend: p.Backend, Pos: q.Pos, Reason: "pairing events is not emitted for this backend yet"}
	}
	if q.Aggregate != nil {
		return nil, &Unsupported{Construct: "aggregation", Backend: p.Backend, Pos: q.Pos, Reason: "grouping events is not emitted for this backend yet"}
	}
	if len(q.Sources) == 0 {
		c, err := mapCond(q.Cond, p.Log, nil, p, "log events", explain, approx, keywords)
		if err != nil {
			return nil, err
		}
		return []EventCond{{Selector: p.LogSelector, Cond: c}}, nil
	}
	var out []EventCond
	var leftOut error // why the last action was left out
	for _, s := range q.Sources {
		actions := []string{s.Action}
		if s.Action == "*" {
			actions = p.Actions(s.Object)
			if len(actions) == 0 {
				return nil, &Unmapped{What: "any event of " + s.Object, Profile: p.Name, Pos: q.Pos}
			}
		}
		for _, a := range actions {
			ev, ok := p.Event(s.Object, a)
			if !ok {
				return nil, &Unmapped{What: "events of " + profile.Key(s.Object, a), Profile: p.Name, Pos: q.Pos}
			}
			// Searching every action (or several: a Sigma logsource of
			// several event types, as registry_event is), an action
			// whose events the profile gives none of a field the
			// condition needs cannot match: it is left out. A single
			// named action is still an error.
			if s.Action == "*" || len(q.Sources) > 1 {
				if missing := unmappedFields(q.Cond, ev.Fields); len(missing) > 0 && eval3(q.Cond, missing) == falsy {
					if leftOut == nil {
						leftOut = &Unmapped{What: "field " + strings.Join(slices.Sorted(maps.Keys(missing)), ", ") + " of any event of " + s.Object, Profile: p.Name, Pos: q.Pos}
					}
					if explain != nil {
						*explain = append(*explain, Note{Pos: q.Pos, Text: fmt.Sprintf("events of %s are left out: they carry no %s, without which the condition cannot hold", profile.Key(s.Object, a), strings.Join(slices.Sorted(maps.Keys(missing)), ", "))})
					}
					continue
				}
			}
			c, err := mapCond(q.Cond, ev.Fields, ev.Present, p, profile.Key(s.Object, a), explain, approx, keywords)
			if err != nil {
				return nil, err
			}
			out = append(out, EventCond{Source: ir.Source{Object: s.Object, Action: a}, Event: ev, Selector: ev.Selector, Cond: c})
		}
	}
	if len(out) == 0 {
		// Every action was left out: no event the profile maps can match.
		return nil, leftOut
	}
	return out, nil
}

// mapCond renames fields and transforms values. present lists the CAR
// fields every event carries; their mapped names are marked present.
func mapCond(c ir.Cond, fields map[string]profile.FieldMap, present []string, p *profile.Profile, where string, explain, approx *[]Note, keywords bool) (ir.Cond, error) {
	var err error
	field := func(f ir.Field) (ir.Field, profile.FieldMap, bool) {
		m, ok := fields[f.Name]
		if !ok {
			if err == nil {
				err = &Unmapped{What: "field " + f.Name + " of " + where, Profile: p.Name, Pos: f.Pos}
			}
			return f, m, false
		}
		name := m.Field
		if slices.Contains(present, f.Name) {
			name = "\x00" + name // marked present; see Present
		}
		return ir.Field{Name: name, Pos: f.Pos}, m, true
	}
	leaf := func(c ir.Cond) ir.Cond {
		switch c := c.(type) {
		case ir.Match:
			f, m, ok := field(c.Field)
			if !ok {
				return c
			}
			if !c.Value.Plain() && m.Transform != profile.Same {
				// The transforms rewrite the pseudocode's patterns; one
				// with a ? wildcard, a literal * or ?, or case is not
				// rewritten yet.
				if err == nil {
					err = &Unsupported{Construct: fmt.Sprintf("the pattern %q (%s) on %s", c.Value.Str, patternKind(c.Value), c.Field.Name), Kind: "a pattern with " + patternKind(c.Value) + " on a rewritten field", Backend: p.Backend, Pos: c.Value.Pos,
						Reason: "profile " + p.Name + " maps it as" + transformNote(m) + " of " + Name(f) + ", and only the pseudocode's patterns are rewritten so"}
				}
				return c
			}
			out := transform(f, m, c.Value)
			if _, isRe := out.(ir.Regexp); isRe && approx != nil {
				out = approximate(f, m, c.Value)
				kind, across := "a pattern inside a path without regular expressions", "the path's separators"
				if m.Transform == profile.HostName {
					kind, across = "a pattern inside a host name without regular expressions", "the name's dots"
				}
				*approx = append(*approx, Note{Pos: c.Value.Pos, Kind: kind,
					Text: fmt.Sprintf("%s, as %s%s, is written as the pattern %q, whose * can also match across %s", c.Field.Name, Name(f), transformNote(m), out.(ir.Match).Value.Str, across)})
			}
			if explain != nil {
				// Concatenated, not through note's Sprintf: one per leaf.
				*explain = append(*explain, Note{Pos: c.Field.Pos, Text: mappedNote(c.Field.Name, Name(f), transformNote(m), out)})
			}
			return out
		case ir.Compare:
			f, _, ok := field(c.Field)
			if ok && explain != nil {
				*explain = append(*explain, Note{Pos: c.Field.Pos, Text: c.Field.Name + " → " + Name(f)})
			}
			return ir.WithField(c, f)
		case ir.Regexp:
			f, m, ok := field(c.Field)
			if ok && m.Transform != profile.Same && err == nil {
				// A search anywhere in the last part of a path is not a
				// rewrite of the expression RE2 can say exactly.
				err = &Unsupported{Construct: "a regular expression on " + c.Field.Name, Kind: "a regular expression on a rewritten field", Backend: p.Backend, Pos: c.Field.Pos,
					Reason: "profile " + p.Name + " maps it as a part of " + Name(f)}
			}
			return ir.WithField(c, f)
		case ir.Exists, ir.CIDR:
			old, _ := ir.LeafField(c)
			f, _, _ := field(old)
			return ir.WithField(c, f)
		case ir.Keyword:
			// Sigma's keywords look for text in any field. The query
			// languages' full-text searches match whole terms of the
			// raw event (Splunk's, LogPoint's) or need a field (EQL,
			// DNIF): none says "anywhere in any field" exactly.
			if err == nil && !keywords {
				err = &Unsupported{Construct: "a keyword search (a Sigma keyword, " + strconv.Quote(c.Value.Str) + ")", Kind: "a keyword search", Backend: p.Backend, Pos: c.Value.Pos,
					Reason: "the language has no exact test for a value anywhere in any field of an event"}
			}
		}
		return c
	}
	if explain != nil {
		// A note per leaf: room for them at once.
		*explain = slices.Grow(*explain, leafCount(c))
	}
	return ir.MapLeaves(c, leaf), err
}

// leafCount counts a condition's leaves (a hint for sizing).
func leafCount(c ir.Cond) int {
	n := 0
	switch c := c.(type) {
	case ir.And:
		for _, t := range c.Terms {
			n += leafCount(t)
		}
	case ir.Or:
		for _, t := range c.Terms {
			n += leafCount(t)
		}
	case ir.Not:
		n = leafCount(c.X)
	default:
		n = 1
	}
	return n
}

// Name is a mapped field's name (without the presence mark).
func Name(f ir.Field) string { return strings.TrimPrefix(f.Name, "\x00") }

// Present reports whether every event carries the field.
func Present(f ir.Field) bool { return strings.HasPrefix(f.Name, "\x00") }

func transformNote(m profile.FieldMap) string {
	switch m.Transform {
	case profile.BaseName:
		return " (the base name of its path)"
	case profile.HostName:
		return " (its first label)"
	case profile.DirName:
		return " (its path without the last part)"
	case profile.Extension:
		return " (its extension)"
	}
	return ""
}

// mappedNote is "name → mapped transform: " and what out tests, written
// into one buffer (on the stack when short): there is one per leaf.
func mappedNote(name, mapped, transform string, out ir.Cond) string {
	var buf [256]byte
	b := buf[:0]
	b = append(b, name...)
	b = append(b, " → "...)
	b = append(b, mapped...)
	b = append(b, transform...)
	b = append(b, ": "...)
	return string(appendDescribe(b, out))
}

// appendQuote is strconv.AppendQuote, which checks every rune; text of
// printable ASCII only, as most values are, it quotes at once: only " and
// \ are escaped there.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendDescribe appends what c tests: "matches" and the value quoted as
// %q quotes it, "equals" a number, the regular expression; an or's
// terms joined by "or".
func appendDescribe(b []byte, c ir.Cond) []byte {
	switch c := c.(type) {
	case ir.Match:
		if c.Value.IsNum {
			return append(append(b, "equals "...), c.Value.NumText()...)
		}
		return appendQuote(append(b, "matches "...), c.Value.Str) // as %q writes it
	case ir.Regexp:
		return appendQuote(append(b, "matches the regular expression "...), c.Pattern)
	case ir.Or:
		for i, t := range c.Terms {
			if i > 0 {
				b = append(b, " or "...)
			}
			b = appendDescribe(b, t)
		}
	}
	return b
}

// transform maps a CAR value to the schema field's: for a base name, the
// path ends in a separator and the name; for a host name, the fully
// qualified name is the name or begins with it and a dot.
func transform(f ir.Field, m profile.FieldMap, v ir.Value) ir.Cond {
	switch m.Transform {
	case profile.BaseName:
		if v.IsNum {
			v = ir.Value{Str: v.Str, Pos: v.Pos, Quoted: true}
		}
		inner := strings.Trim(v.Str, "*")
		switch {
		case !strings.Contains(inner, "*") && strings.HasPrefix(v.Str, "*"):
			// *name: the path ends in name, whatever its last
			// separator; name holds no separator (a path in a base
			// name never matches, and is warned of by the checker).
			return ir.Match{Field: f, Value: ir.Value{Str: v.Str, Pos: v.Pos, Quoted: true}}
		case !strings.Contains(v.Str, "*"):
			// name: the path ends in a backslash and name (profiles that
			// use this transform are of Windows paths).
			return ir.Match{Field: f, Value: ir.Value{Str: `*\` + v.Str, Pos: v.Pos, Quoted: true}}
		}
		// A wildcard inside a base name must not cross a separator: only
		// a regular expression says that exactly.
		return ir.Regexp{Field: f, Pattern: baseNameRegexp(v.Str)}
	case profile.DirName:
		// The path without its last part: the whole path is the pattern,
		// a separator and one more part.
		return ir.Regexp{Field: f, Pattern: `(?i)^` + WildcardPattern(v.Str, `.*`) + `\\[^\\]*$`}
	case profile.Extension:
		ext := v.Str
		if v.IsNum {
			ext = v.NumText()
		}
		if !strings.HasPrefix(ext, ".") && !strings.HasPrefix(ext, "*") {
			ext = "." + ext
		}
		return ir.Match{Field: f, Value: ir.Value{Str: "*" + ext, Pos: v.Pos, Quoted: true}}
	case profile.HostName:
		if v.IsNum {
			return ir.Match{Field: f, Value: v}
		}
		if v.HasWildcard() {
			// The name is the first label: a * may not reach past its
			// dot ("w*1" is not "ws.corp1"), so the fully qualified name
			// is the pattern with * a run without dots, alone or followed
			// by a dot and the rest.
			return ir.Regexp{Field: f, Pattern: `(?i)^` + WildcardPattern(v.Str, `[^.]*`) + `(?:\..*)?$`}
		}
		return ir.Or{Terms: []ir.Cond{
			ir.Match{Field: f, Value: v},
			ir.Match{Field: f, Value: ir.Value{Str: v.Str + ".*", Pos: v.Pos, Quoted: true}},
		}}
	}
	return ir.Match{Field: f, Value: v}
}

// QuoteMeta quotes a string for a regular expression, writing control
// characters as \xHH so that no raw tab or line break reaches a query.
func QuoteMeta(s string) string {
	q := regexp.QuoteMeta(s)
	if !strings.ContainsFunc(q, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return q // nothing to rewrite: most values
	}
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if c := q[i]; c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// approximate is transform for a language without regular expressions: a
// wildcard pattern that holds whenever the exact one does, and sometimes
// more (a * may cross a separator).
func approximate(f ir.Field, m profile.FieldMap, v ir.Value) ir.Cond {
	switch m.Transform {
	case profile.BaseName:
		return ir.Match{Field: f, Value: ir.Value{Str: `*\` + v.Str, Pos: v.Pos, Quoted: true}}
	case profile.DirName:
		return ir.Match{Field: f, Value: ir.Value{Str: v.Str + `\*`, Pos: v.Pos, Quoted: true}}
	case profile.HostName:
		return ir.Match{Field: f, Value: v} // its * may also reach past the first dot
	}
	return transform(f, m, v)
}

// baseNameRegexp is the regular expression of a base-name pattern applied
// to a whole path: case-insensitive, each * a run of non-separators.
func baseNameRegexp(pattern string) string {
	return `(?i)(?:^|[\\/])` + WildcardPattern(pattern, `[^\\/]*`) + `$`
}

// patternKind names what a value that is not plain holds, for messages.
func patternKind(v ir.Value) string {
	var kinds []string
	for _, s := range v.Segments() {
		if s.Kind == ir.AnyOne && !slices.Contains(kinds, "a ? wildcard") {
			kinds = append(kinds, "a ? wildcard")
		}
		if v.Escaped && s.Kind == ir.Lit && strings.ContainsAny(s.Text, "*?") && !slices.Contains(kinds, "a literal * or ?") {
			kinds = append(kinds, "a literal * or ?")
		}
	}
	if v.CaseMatters() {
		kinds = append(kinds, "case-sensitive")
	}
	return strings.Join(kinds, ", ")
}

// PatternRegexp is the regular expression of a string value that is not
// plain (ir.Value.Segments): the whole value, its literal text quoted,
// each * written as .* and each ? as ., with "." matching a line break
// too, as the native matcher's wildcards do (s), ignoring case unless the
// value is cased (i).
func PatternRegexp(v ir.Value) string {
	flags := "(?is)"
	if v.CaseMatters() {
		flags = "(?s)"
	}
	return flags + "^" + PatternBody(v, ".*", ".") + "$"
}

// PatternBody is the body of a regular expression for a string value:
// its literal text quoted, each * written as star and each ? as one.
func PatternBody(v ir.Value, star, one string) string {
	var b strings.Builder
	if !v.Escaped {
		// Unescaped, only * is special (see ir.Value.Segments): the
		// pieces between are literal, written without splitting the
		// value into segments first.
		for rest := v.Str; ; {
			lit, after, found := strings.Cut(rest, "*")
			b.WriteString(QuoteMeta(lit))
			if !found {
				return b.String()
			}
			b.WriteString(star)
			rest = after
		}
	}
	for _, s := range v.Segments() {
		switch s.Kind {
		case ir.AnyRun:
			b.WriteString(star)
		case ir.AnyOne:
			b.WriteString(one)
		default:
			b.WriteString(QuoteMeta(s.Text))
		}
	}
	return b.String()
}

// WildcardRegexp is the regular expression of a wildcard pattern, the way
// the pseudocode reads it: whole value, case-insensitive, * any run.
func WildcardRegexp(pattern string) string {
	return `(?i)^` + WildcardPattern(pattern, `.*`) + `$`
}

// WildcardPattern is the body of a regular expression for a wildcard
// pattern: its literal parts quoted, each * written as star.
func WildcardPattern(pattern, star string) string {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = QuoteMeta(p)
	}
	return strings.Join(parts, star)
}

// Fidelity is how faithfully a query says what the pseudocode means.
type Fidelity string

const (
	Exact       Fidelity = "exact"
	Approximate Fidelity = "approximate"
	NotDone     Fidelity = "unsupported"
)

// Result is one query of one output.
type Result struct {
	Output   string   `json:"output,omitempty"`
	Query    string   `json:"query"`
	Fidelity Fidelity `json:"fidelity"`
	// Approximations say where the query is broader or narrower than the
	// pseudocode, and why; empty when exact.
	Approximations []Note `json:"approximations,omitempty"`
	// Explain says, for each condition, how it was mapped.
	Explain []Note `json:"explain,omitempty"`
}

// Backend translates lowered queries into one query language.
type Backend interface {
	// Name is the target's name on the command line: splunk, eql, …
	Name() string
	// Profiles lists the embedded profiles; the first is the default.
	Profiles() []*profile.Profile
	// Convert translates the queries of one program.
	Convert(qs []ir.Query, p *profile.Profile) ([]Result, error)
}

// EmbeddedProfiles returns a function giving a backend's embedded profiles
// (profiles_gen.go, compiled from profiles/*.yaml by `go generate
// ./backends/...`; the first the default), built once on first use. They are
// validated as a profile file is; a bad one panics: they are part of the
// program, and the tests read them all.
func EmbeddedProfiles(build func() []*profile.Profile) func() []*profile.Profile {
	return sync.OnceValue(func() []*profile.Profile {
		ps := build()
		for _, p := range ps {
			if err := p.Validate(); err != nil {
				panic(err)
			}
		}
		return ps
	})
}

// ConvertEach translates each query of a program with one, naming each
// result by its output: the Convert of every backend.
func ConvertEach(qs []ir.Query, one func(ir.Query) (Result, error)) ([]Result, error) {
	var out []Result
	for _, q := range qs {
		r, err := one(q)
		if err != nil {
			return nil, err
		}
		r.Output = q.Name
		out = append(out, r)
	}
	return out, nil
}

// AggField maps a field an aggregate reads or groups by: its name in the
// profile for the source's events (as Map gives them), and its transform.
// "time" is the event's time, which each backend names itself (empty
// Field).
func AggField(events []EventCond, p *profile.Profile, f ir.Field) (profile.FieldMap, error) {
	if f.Name == "time" {
		return profile.FieldMap{}, nil
	}
	var m profile.FieldMap
	for i, ev := range events {
		em, ok := ev.Event.Fields[f.Name]
		if !ok {
			return m, &Unmapped{What: "field " + f.Name + " of " + ev.Source.String(), Profile: p.Name, Pos: f.Pos}
		}
		if i > 0 && em != m {
			return m, &Unsupported{Construct: "a column over events that name it differently", Backend: p.Backend, Pos: f.Pos}
		}
		m = em
	}
	return m, nil
}

// JoinKey is the schema field of one side's join key, for a language that
// compares keys as they are: the profile must map it (strictly), and to
// the value itself, not to a part of another field.
func JoinKey(ev EventCond, p *profile.Profile, f ir.Field) (string, error) {
	m, ok := ev.Event.Fields[f.Name]
	if !ok {
		return "", &Unmapped{What: "field " + f.Name + " of " + ev.Source.String(), Profile: p.Name, Pos: f.Pos}
	}
	if m.Transform != profile.Same {
		return "", &Unsupported{Construct: "a join key the profile maps with a transform", Backend: p.Backend, Pos: f.Pos,
			Reason: f.Name + " is a part of " + m.Field}
	}
	return m.Field, nil
}

// PlainKeys names an aggregate's group keys for a language that groups
// by fields as they are: each must map without a transform, and not be the
// event's time.
func PlainKeys(events []EventCond, p *profile.Profile, by []ir.Field, l *Language) ([]string, error) {
	var keys []string
	for _, f := range by {
		m, err := AggField(events, p, f)
		if err != nil {
			return nil, err
		}
		if m.Field == "" || m.Transform != profile.Same {
			return nil, &Unsupported{Construct: "a group key the profile maps with a transform", Backend: l.Name, Pos: f.Pos}
		}
		name, err := l.FieldName(m.Field)
		if err != nil {
			return nil, err
		}
		keys = append(keys, name)
	}
	return keys, nil
}

// CountHaving writes the condition of an aggregate whose one column is a
// count, naming the column name; ok is false when the condition reads
// another column (a group key), which a language that keeps only the
// count cannot filter on.
func CountHaving(agg *ir.Aggregate, l *Language, name string) (text string, ok bool) {
	as := agg.Items[0].As
	ok = true
	text = HavingText(agg.Having, l, func(c string) string {
		ok = ok && c == as
		return name
	})
	return text, ok
}

// HavingText writes a condition on an aggregate's columns: column sums
// and differences compared with numbers, with the language's and, or and
// not, each group parenthesised. name gives a column's name in the query.
func HavingText(c ir.Cond, l *Language, name func(string) string) string {
	switch c := c.(type) {
	case ir.And, ir.Or:
		var terms []ir.Cond
		op := l.And
		if a, ok := c.(ir.And); ok {
			terms = a.Terms
		} else {
			terms, op = c.(ir.Or).Terms, l.Or
		}
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = HavingText(t, l, name)
			if _, leaf := t.(ir.Having); !leaf {
				parts[i] = l.Open + parts[i] + l.Close
			}
		}
		return strings.Join(parts, op)
	case ir.Not:
		return l.Not + l.Open + HavingText(c.X, l, name) + l.Close
	case ir.Having:
		var b strings.Builder
		for i, t := range c.Terms {
			switch {
			case t.Subtract:
				b.WriteString(" - ")
			case i > 0:
				b.WriteString(" + ")
			}
			b.WriteString(name(t.Name))
		}
		// As ir.Value.NumText writes numbers: every digit the value has.
		fmt.Fprintf(&b, " %s %s", c.Op, strconv.FormatFloat(c.Value, 'f', -1, 64))
		return strings.TrimPrefix(b.String(), " - ")
	}
	return ""
}

func unmappedFields(c ir.Cond, fields map[string]profile.FieldMap) map[string]bool {
	missing := map[string]bool{}
	for _, f := range ir.Fields(c) {
		if _, ok := fields[f.Name]; !ok {
			missing[f.Name] = true
		}
	}
	return missing
}

type truth int

const (
	unknown truth = iota
	falsy
	truthy
)

// eval3 evaluates a condition on an event that lacks the missing fields,
// every other test unknown: a test of a missing field is false, as the
// pseudocode says.
func eval3(c ir.Cond, missing map[string]bool) truth {
	switch c := c.(type) {
	case ir.And:
		all := truthy
		for _, t := range c.Terms {
			switch eval3(t, missing) {
			case falsy:
				return falsy
			case unknown:
				all = unknown
			}
		}
		return all
	case ir.Or:
		all := falsy
		for _, t := range c.Terms {
			switch eval3(t, missing) {
			case truthy:
				return truthy
			case unknown:
				all = unknown
			}
		}
		return all
	case ir.Not:
		switch eval3(c.X, missing) {
		case truthy:
			return falsy
		case falsy:
			return truthy
		}
		return unknown
	}
	if f, ok := ir.LeafField(c); ok && missing[f.Name] {
		return falsy
	}
	return unknown
}

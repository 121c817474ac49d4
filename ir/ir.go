// Package ir is the meaning of a checked pseudocode program, the form every
// backend emits from: for each output, the data model events it selects and
// the condition they must meet, with the language's semantics made
// explicit. A comparison here is always what docs/pseudocode.md says it is:
// "==" with a string is a case-insensitive wildcard match, "!=" is "not ==",
// "contains" is a match with "*" on both sides, "in" is an "or" of matches,
// a quoted number is a number. Backends never see the surface syntax.
package ir

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cartrans/cartrans/diag"
)

// Query is one result of a program: the events of some objects and actions
// that meet a condition.
type Query struct {
	// Name is the output's dataset name.
	Name string
	// Sources are the objects and actions searched; empty for a bare
	// condition over all events.
	Sources []Source
	// Cond is the condition; nil means every event of the sources.
	Cond Cond
	Pos  diag.Pos
	// Join, when set, makes the query a pairing of two queries' events;
	// Sources and Cond are then unused.
	Join *Join
	// Aggregate, when set, makes the query the groups of another query's
	// events with computed columns; Sources and Cond are then unused.
	Aggregate *Aggregate
}

// Aggregate groups the events of Source by the fields By (all of them in
// one group when By is empty), computes Items for each group, and keeps
// the groups that meet Having.
type Aggregate struct {
	Source *Query
	By     []Field
	Items  []AggItem
	Having Cond // of Having leaves, And, Or and Not
}

// AggItem is one computed column: Func over Field (count has none), named
// As.
type AggItem struct {
	Func  string // count, min, max, avg, stddev, unique, values
	Field *Field
	As    string
	Pos   diag.Pos
}

// Having compares a sum of columns with a number: "latest - earliest <=
// 3600", "user_count > 1". Durations are in seconds.
type Having struct {
	Terms []Column
	Op    string // ==, !=, <, <=, >, >=
	Value float64
	Pos   diag.Pos
}

// Column is a column of an aggregate, added or subtracted.
type Column struct {
	Name     string
	Subtract bool
}

func (Having) cond() {}

// Join pairs an event of Left with an event of Right that agree on the
// keys, the Left one first when Ordered, and within Within of each other
// when that is not zero.
type Join struct {
	Left, Right *Query
	Keys        []Key
	Ordered     bool
	Within      time.Duration
}

// Key is one equality of a join: a field of the left event equals one of
// the right event.
type Key struct{ Left, Right Field }

// Source is a data model object and action ("*" for every action).
type Source struct {
	Object string // data model object ID: "process", "user_session"
	Action string
}

func (s Source) String() string { return s.Object + "/" + s.Action }

// Cond is a condition on one event.
type Cond interface{ cond() }

// And holds when every term holds.
type And struct{ Terms []Cond }

// Or holds when any term holds.
type Or struct{ Terms []Cond }

// Not holds when X does not.
type Not struct{ X Cond }

// Field is a field of the event, by its CAR name ("command_line"), or a
// log field of a bare condition ("event_code").
type Field struct {
	Name string
	Pos  diag.Pos
}

// Match tests a field against a value with the language's equality: for
// a string, case-insensitive with "*" matching any run of characters (a
// value that is not Plain, which only Sigma writes, says more: see
// Value.Escaped and Value.Cased); for a number, numeric equality. A
// missing field never matches.
type Match struct {
	Field Field
	Value Value
}

// Compare orders a field against a number: <, <=, >, >=. A missing field
// never satisfies it.
type Compare struct {
	Field Field
	Op    string // "<", "<=", ">", ">="
	Value Value
}

// Regexp tests a field with an RE2 regular expression, unanchored and
// case-sensitive unless the pattern says (?i). A missing field never
// matches.
type Regexp struct {
	Field   Field
	Pattern string
}

// Exists holds when the event has the field.
type Exists struct{ Field Field }

// CIDR holds when the field is an address inside the block.
type CIDR struct {
	Field Field
	Block string
}

// Keyword holds when some field of the event matches Value: Sigma's
// keyword search, a value looked for across the whole event. The value
// says where in a field's text it may sit (Sigma's keywords are written
// with "*" on both sides: anywhere).
type Keyword struct {
	Value Value
}

func (Keyword) cond() {}

func (And) cond()     {}
func (Or) cond()      {}
func (Not) cond()     {}
func (Match) cond()   {}
func (Compare) cond() {}
func (Regexp) cond()  {}
func (Exists) cond()  {}
func (CIDR) cond()    {}

// Value is a literal to compare with.
type Value struct {
	// Str is the string: in the pseudocode's notation, "*" a wildcard and
	// every other character itself; or, when Escaped, in the escaped
	// notation (see Segments).
	Str string
	// Num is set for a number (written quoted or not).
	Num    float64
	IsNum  bool
	Pos    diag.Pos
	Quoted bool
	// Escaped marks Str as written in the escaped notation, which also
	// says what the pseudocode cannot (Sigma can): "*" is any run of
	// characters, "?" exactly one character, and a backslash makes the
	// character after it literal ("\*", "\?", "\\"). Only a value the
	// pseudocode's notation cannot hold is escaped (see PatternValue),
	// so a value from the pseudocode never is.
	Escaped bool
	// Cased makes the match of a string case-sensitive (Sigma's cased).
	Cased bool
}

// Plain reports whether the value means what a pseudocode literal
// means: Str in the pseudocode's notation, compared ignoring case. A
// consumer that reads Str as a pattern must handle the others through
// Segments (or refuse them).
func (v Value) Plain() bool { return !v.Escaped && !v.Cased }

// CaseMatters reports whether the value is cased and has a letter whose
// case could differ: a cased value without letters matches as one
// without case does.
func (v Value) CaseMatters() bool {
	if !v.Cased || v.IsNum {
		return false
	}
	for _, s := range v.Segments() {
		for _, r := range s.Text {
			// A letter with another case: one that folds to another
			// rune (ß folds with ẞ, though neither ToUpper nor ToLower
			// maps ß to it).
			if unicode.SimpleFold(r) != r {
				return true
			}
		}
	}
	return false
}

// SegKind is the kind of one piece of a string pattern.
type SegKind int

const (
	// Lit is literal text ("*" and "?" in it are themselves).
	Lit SegKind = iota
	// AnyRun is any run of characters, the empty one included.
	AnyRun
	// AnyOne is exactly one character.
	AnyOne
)

// Seg is one piece of a string pattern: literal text or a wildcard.
type Seg struct {
	Kind SegKind
	Text string // for Lit
}

// Segments reads a string value as pieces, in either notation: the one
// place that says what Str means. Adjacent literal text is one piece.
func (v Value) Segments() []Seg {
	var segs []Seg
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			segs = append(segs, Seg{Kind: Lit, Text: lit.String()})
			lit.Reset()
		}
	}
	s := v.Str
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '*':
			flush()
			segs = append(segs, Seg{Kind: AnyRun})
		case v.Escaped && c == '?':
			flush()
			segs = append(segs, Seg{Kind: AnyOne})
		case v.Escaped && c == '\\' && i+1 < len(s):
			i++
			lit.WriteByte(s[i])
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return segs
}

// PatternValue makes a string value from pattern pieces (a Sigma
// string's segments, one for one), case-sensitive when cased. A pattern
// with only literal text and "*" wildcards is written in the pseudocode's
// notation, so that every backend treats it as it treats the
// pseudocode's; any other is escaped. A literal "?" is escaped too,
// though the pseudocode's notation holds it: languages whose patterns
// read "?" as a wildcard write the pseudocode's approximately, and an
// escaped one goes where it is said exactly (an exact test, a regular
// expression) or is refused.
func PatternValue(segs []Seg, cased bool, pos diag.Pos) Value {
	escaped := false
	for _, s := range segs {
		escaped = escaped || s.Kind == AnyOne || (s.Kind == Lit && strings.ContainsAny(s.Text, "*?"))
	}
	var b strings.Builder
	for _, s := range segs {
		switch s.Kind {
		case AnyRun:
			b.WriteByte('*')
		case AnyOne:
			b.WriteByte('?')
		default:
			if !escaped {
				b.WriteString(s.Text)
				continue
			}
			for i := 0; i < len(s.Text); i++ {
				if c := s.Text[i]; c == '*' || c == '?' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(s.Text[i])
			}
		}
	}
	return Value{Str: b.String(), Pos: pos, Quoted: true, Escaped: escaped, Cased: cased}
}

// NewValue makes a value from the text of a literal: a number when it
// reads as one, since numbers compare as numbers quoted or not.
func NewValue(s string, pos diag.Pos) Value {
	v := Value{Str: s, Pos: pos}
	if n, err := strconv.ParseFloat(s, 64); err == nil && isPlainNumber(s) {
		v.Num, v.IsNum = n, true
	}
	return v
}

// isPlainNumber accepts digits with an optional sign and decimal part, not
// the other forms ParseFloat takes (1e5, 0x10, Inf).
func isPlainNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, dot := strings.Cut(s, ".")
	digits := func(p string) bool {
		if p == "" {
			return false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return digits(intPart) && (!dot || digits(frac))
}

// HasWildcard reports whether the string holds a wildcard.
func (v Value) HasWildcard() bool {
	if v.IsNum {
		return false
	}
	if !v.Escaped {
		return strings.Contains(v.Str, "*")
	}
	for _, s := range v.Segments() {
		if s.Kind != Lit {
			return true
		}
	}
	return false
}

// Parts splits a plain string value at its wildcards: "a*b*" is ["a",
// "b", ""].
func (v Value) Parts() []string { return strings.Split(v.Str, "*") }

// NumText is a number as the languages write it: 445, 1.5.
func (v Value) NumText() string { return strconv.FormatFloat(v.Num, 'f', -1, 64) }

// Walk calls fn for c and every condition inside it.
func Walk(c Cond, fn func(Cond)) {
	if c == nil {
		return
	}
	fn(c)
	switch c := c.(type) {
	case And:
		for _, t := range c.Terms {
			Walk(t, fn)
		}
	case Or:
		for _, t := range c.Terms {
			Walk(t, fn)
		}
	case Not:
		Walk(c.X, fn)
	}
}

// WithField returns a leaf testing f instead of its field; and, or and
// not as they are.
func WithField(c Cond, f Field) Cond {
	switch c := c.(type) {
	case Match:
		c.Field = f
		return c
	case Compare:
		c.Field = f
		return c
	case Regexp:
		c.Field = f
		return c
	case Exists:
		c.Field = f
		return c
	case CIDR:
		c.Field = f
		return c
	}
	return c
}

// LeafField returns the field a leaf tests; false for and, or and not.
func LeafField(c Cond) (Field, bool) {
	switch c := c.(type) {
	case Match:
		return c.Field, true
	case Compare:
		return c.Field, true
	case Regexp:
		return c.Field, true
	case Exists:
		return c.Field, true
	case CIDR:
		return c.Field, true
	}
	return Field{}, false
}

// Fields lists the fields a condition reads, each once, in order.
func Fields(c Cond) []Field {
	var out []Field
	seen := map[string]bool{}
	Walk(c, func(c Cond) {
		if f, ok := LeafField(c); ok && !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
	})
	return out
}

// MapLeaves rebuilds a condition with each leaf (a test of a field) replaced
// by fn's result, keeping its and, or and not.
func MapLeaves(c Cond, fn func(Cond) Cond) Cond {
	switch c := c.(type) {
	case nil:
		return nil
	case And:
		terms := make([]Cond, len(c.Terms))
		for i, t := range c.Terms {
			terms[i] = MapLeaves(t, fn)
		}
		return And{Terms: terms}
	case Or:
		terms := make([]Cond, len(c.Terms))
		for i, t := range c.Terms {
			terms[i] = MapLeaves(t, fn)
		}
		return Or{Terms: terms}
	case Not:
		return Not{X: MapLeaves(c.X, fn)}
	}
	return fn(c)
}

// Package sigma reads Sigma rules, SigmaHQ's detection-rule exchange
// format (specification v2.1.0), into a positioned model: detection rules,
// filters and correlation rules, one per YAML document, with every value
// modifier, Sigma's string wildcards and escapes and the condition
// language read exactly, and every fault reported as a diagnostic with its
// file position, never a panic. docs/design/sigma.md gives the semantics
// and what is refused, with the specification's sections.
package sigma

import (
	"github.com/cartrans/cartrans/diag"
)

// MaxFileSize bounds a rule file, like CAR's analytics.
const MaxFileSize = 4 << 20

// Kind tells the three Sigma documents apart.
type Kind int

const (
	// DetectionRule is a rule with logsource and detection.
	DetectionRule Kind = iota
	// CorrelationRule is a meta rule with a correlation section.
	CorrelationRule
	// FilterRule is a meta rule with a filter section.
	FilterRule
)

func (k Kind) String() string {
	switch k {
	case CorrelationRule:
		return "correlation"
	case FilterRule:
		return "filter"
	}
	return "detection"
}

// Rule is one YAML document of a Sigma file.
type Rule struct {
	Kind Kind
	// Pos is the document's first key.
	Pos diag.Pos

	Title          string
	ID             string
	Name           string
	Taxonomy       string
	Status         string
	Description    string
	License        string
	Author         string
	References     []string
	Date           string // YYYY-MM-DD, as written
	Modified       string
	Related        []Related
	LogSource      LogSource
	Fields         []string
	FalsePositives []string
	Level          string
	Tags           []Tag
	Scope          []string

	Detection   *Detection   // for DetectionRule
	Correlation *Correlation // for CorrelationRule
	Filter      *Filter      // for FilterRule
}

// Related is an entry of related: another rule's id and how they relate.
type Related struct {
	ID   string
	Type string // derived, obsolete, merged, renamed or similar
	Pos  diag.Pos
}

// LogSource names the events a rule applies to.
type LogSource struct {
	Category   string
	Product    string
	Service    string
	Definition string
	// Custom holds any further keys, which the specification allows.
	Custom map[string]string
	Pos    diag.Pos
}

// Detection is a rule's detection section (or a filter's): the named
// searches and the condition over them.
type Detection struct {
	// Searches are the search identifiers in source order.
	Searches []*Search
	// Conditions holds the condition; the older list form holds several,
	// which the specification links with OR.
	Conditions []Cond
	Pos        diag.Pos
}

// Search returns the search identifier of that name, or nil.
func (d *Detection) Search(name string) *Search {
	for _, s := range d.Searches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Condition is the detection's condition: the one condition, or the OR of
// the list form's conditions.
func (d *Detection) Condition() Cond {
	switch len(d.Conditions) {
	case 0:
		return nil
	case 1:
		return d.Conditions[0]
	}
	return &Or{Args: d.Conditions}
}

// Search is a search identifier. A map is one Group (its items ANDed); a
// list is an OR of its elements, each a Group: a map's items, or a plain
// value searched for as a keyword. A list of plain values only is read as
// one Group holding one keyword item with those values (still an OR).
type Search struct {
	Name   string
	List   bool
	Groups []Group
	Pos    diag.Pos
}

// Group is a set of field items that must all match.
type Group struct {
	Items []FieldItem
	Pos   diag.Pos
}

// FieldItem is "Field|mod1|mod2: value or list". A keyword (field-less)
// item has Field "" (a list's plain values, or a '|all' key).
type FieldItem struct {
	Field     string
	Modifiers []Modifier
	// Values are ORed, or ANDed under the all modifier. An empty list
	// reads as no values.
	Values []Value
	// List records that the value was written as a YAML list.
	List bool
	Pos  diag.Pos
}

// Has reports whether the item carries the modifier.
func (f *FieldItem) Has(m Mod) bool {
	for _, x := range f.Modifiers {
		if x.Mod == m {
			return true
		}
	}
	return false
}

// CaseSensitive reports whether the item's values match case-sensitively:
// Sigma's strings do not unless cased (rules §General, modifiers §Generic
// Modifiers); a regular expression does unless re|i (modifiers §Regular
// Expression).
func (f *FieldItem) CaseSensitive() bool {
	if f.Has(ModRe) {
		return !f.Has(ModReI)
	}
	return f.Has(ModCased)
}

// Keyword reports whether the item searches the whole event.
func (f *FieldItem) Keyword() bool { return f.Field == "" }

// ValueKind is the YAML type of a value.
type ValueKind int

const (
	String ValueKind = iota
	Number
	Bool
	Null
)

func (k ValueKind) String() string {
	return [...]string{"string", "number", "boolean", "null"}[k]
}

// Value is one value of a field item.
type Value struct {
	Kind ValueKind
	// Raw is the scalar as YAML reads it (quotes and YAML escapes
	// resolved, Sigma's escapes not): the regular expression of re, the
	// network of cidr, the field name of fieldref, a number's text.
	Raw string
	// Segments is the value read as a Sigma string pattern (wildcards,
	// escapes, and with expand the placeholders), for the values that are
	// matched as strings: strings, and numbers and booleans, which Sigma
	// also treats as strings. Nil for null and for values of re, cidr,
	// fieldref, exists, the numeric comparisons and the time parts.
	Segments []Segment
	// Int and Float hold a number's value (Int only when IsInt), Bool a
	// boolean's.
	Int   int64
	IsInt bool
	Float float64
	Bool  bool
	Pos   diag.Pos
}

// Related types, statuses and levels the specification defines.
var (
	relatedTypes = []string{"derived", "obsolete", "merged", "renamed", "similar"}
	statuses     = []string{"stable", "test", "experimental", "deprecated", "unsupported"}
	levels       = []string{"informational", "low", "medium", "high", "critical"}
)

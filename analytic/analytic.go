// Package analytic is the structured model of a CAR analytic. The readers in
// package parser fill it from CAR's markdown pages and from CAR's YAML source;
// the pseudocode compiler, the query backends, the native engine and the docs
// renderer all read it. It holds data only: no parsing and no I/O.
package analytic

import (
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/diag"
)

// Pos is where an element came from. Re-exported so that users of the
// model need not import diag for the common case.
type Pos = diag.Pos

// Format names the source format an analytic was read from.
type Format string

const (
	FormatMarkdown Format = "markdown"
	FormatYAML     Format = "yaml"
	// FormatSigma is a Sigma rule, read by package sigma: its logic is
	// the rule's detection, not pseudocode.
	FormatSigma Format = "sigma"
)

// Analytic is one CAR analytic.
type Analytic struct {
	// ID is the CAR identifier, such as "CAR-2013-02-003".
	ID string `json:"id"`
	// Title is the human title without the "CAR-…: " prefix.
	Title     string `json:"title"`
	Submitted Date   `json:"submission_date"`
	// Updated is the zero Date when the analytic was never updated.
	Updated           Date     `json:"update_date,omitzero"`
	InformationDomain []string `json:"information_domain,omitempty"`
	Subtypes          []string `json:"subtypes,omitempty"`
	AnalyticTypes     []string `json:"analytic_types,omitempty"`
	Contributors      []string `json:"contributors,omitempty"`
	Platforms         []string `json:"platforms,omitempty"`
	// Description is markdown text, without the output description and the
	// references, which have fields of their own.
	Description       string           `json:"description"`
	OutputDescription string           `json:"output_description,omitempty"`
	References        []string         `json:"references,omitempty"`
	Coverage          []Coverage       `json:"coverage,omitempty"`
	D3FEND            []D3FENDMapping  `json:"d3fend,omitempty"`
	DataModelRefs     []DataModelRef   `json:"data_model_references,omitempty"`
	Implementations   []Implementation `json:"implementations,omitempty"`
	UnitTests         []UnitTest       `json:"unit_tests,omitempty"`
	TruePositives     []TruePositive   `json:"true_positives,omitempty"`

	// Sigma is what a Sigma rule says beyond CAR's model; nil for CAR's
	// analytics.
	Sigma *SigmaRule `json:"sigma,omitempty"`

	// Format is the source format; Pos is the file and the line of the title.
	Format Format `json:"format"`
	Pos    Pos    `json:"pos"`
}

// SigmaRule is a Sigma rule's own metadata, and the rule itself.
type SigmaRule struct {
	Level  string `json:"level,omitempty"`
	Status string `json:"status,omitempty"`
	// LogSource is the rule's logsource as "{product: windows,
	// category: process_creation}".
	LogSource string `json:"logsource"`
	// Kind is detection, filter or correlation.
	Kind string `json:"kind"`
	// Errors counts the rule's reading errors: a rule with any is
	// neither translated nor run.
	Errors int `json:"-"`
	// Rule is the *sigma.Rule read (package sigma builds on this model,
	// so the model cannot name its type).
	Rule any `json:"-"`
}

// Coverage is one row of the ATT&CK detections: a technique, the
// subtechniques and tactics it is detected under, and how well.
// Names are known only from the markdown form; the YAML form has IDs only.
type Coverage struct {
	Technique     Ref    `json:"technique"`
	Subtechniques []Ref  `json:"subtechniques,omitempty"`
	Tactics       []Ref  `json:"tactics,omitempty"`
	Level         string `json:"coverage,omitempty"`
	Pos           Pos    `json:"pos"`
}

// Ref is an ATT&CK technique, subtechnique or tactic: an ID and, where the
// source gives it, a name.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// D3FENDMapping is a D3FEND countermeasure the analytic implements.
type D3FENDMapping struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// IRI is the compact IRI, such as "d3f:ProcessLineageAnalysis".
	IRI string `json:"iri"`
	Pos Pos    `json:"pos"`
}

// DataModelRef names a CAR data model field the analytic uses.
type DataModelRef struct {
	Object string `json:"object"`
	Action string `json:"action"`
	Field  string `json:"field"`
	Pos    Pos    `json:"pos"`
}

// String formats the reference as CAR's YAML does: object/action/field.
func (r DataModelRef) String() string { return r.Object + "/" + r.Action + "/" + r.Field }

// ImplType is the normalised language of an implementation: one of the
// types below, or the name of a query backend of cartrans (its registry,
// backends/all, lists them; parser.ImplTypes gives every type).
type ImplType string

// The types that are no backend of cartrans.
const (
	Pseudocode ImplType = "pseudocode"
	Sigma      ImplType = "sigma"
	Elastic    ImplType = "elastic"
	Other      ImplType = "other"
)

// The types of the hand-written queries CAR's pages hold, for code that
// names one (a test, drift's readers of them). They are those backends'
// names; which backends there are is the registry's, and nothing reads
// this list (a backend CAR's pages do not write, as KQL, is not here).
const (
	Splunk   ImplType = "splunk"
	EQL      ImplType = "eql"
	DNIF     ImplType = "dnif"
	LogPoint ImplType = "logpoint"
)

// Implementation is one rendering of the analytic's logic.
type Implementation struct {
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Type        ImplType `json:"type"`
	// TypeAsWritten keeps the source's spelling ("Psuedocode", "Dnif").
	TypeAsWritten string `json:"type_as_written"`
	// DataModel is the data model as written ("Sysmon native", "CAR").
	DataModel string `json:"data_model,omitempty"`
	// Code is exactly as written in the source, without a final newline.
	Code string `json:"code"`
	// Pos is the heading (markdown) or list item (YAML); CodePos is the
	// first line of the code, so that line N of Code is at CodePos.Line+N-1.
	Pos     Pos `json:"pos"`
	CodePos Pos `json:"code_pos"`
	// CodeIndent is how many columns the code is indented by in the file
	// (a YAML block scalar's indentation), so columns map back too.
	CodeIndent int `json:"code_indent,omitempty"`
	// Generated marks an implementation `cartrans render` wrote from the
	// pseudocode (between its <!-- cartrans:generated --> markers), which
	// the next render replaces.
	Generated bool `json:"generated,omitempty"`
}

// UnitTest is a way to produce events the analytic should fire on.
type UnitTest struct {
	Name           string   `json:"name,omitempty"`
	Configurations []string `json:"configurations,omitempty"`
	Description    string   `json:"description,omitempty"`
	Commands       []string `json:"commands,omitempty"`
	Pos            Pos      `json:"pos"`
}

// TruePositive is a recorded event the analytic fires on.
type TruePositive struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// FullEvent is the link (markdown) or file name (YAML) of the whole event.
	FullEvent string `json:"full_event,omitempty"`
	// Event is the event snippet as parsed JSON, nil when the source has
	// none or names only a file (CAR's YAML does).
	Event map[string]any `json:"event,omitempty"`
	// EventFile is the snippet's file name when the source only names it.
	EventFile string `json:"event_file,omitempty"`
	Pos       Pos    `json:"pos"`
}

// Date is a calendar date without a time zone, as CAR writes them (2013/02/05).
type Date struct {
	Year, Month, Day int
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as ISO 8601 (2013-02-05).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText writes ISO 8601.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts both ISO 8601 and CAR's slashes.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

var daysIn = [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// ParseDate reads YYYY/MM/DD or YYYY-MM-DD and checks the day exists.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var d Date
	var sep1, sep2 rune
	n, err := fmt.Sscanf(s, "%4d%c%2d%c%2d", &d.Year, &sep1, &d.Month, &sep2, &d.Day)
	if err != nil || n != 5 || sep1 != sep2 || (sep1 != '/' && sep1 != '-') ||
		len(s) != 10 {
		return Date{}, fmt.Errorf("date %q is not in the form YYYY/MM/DD", s)
	}
	leap := d.Year%4 == 0 && (d.Year%100 != 0 || d.Year%400 == 0)
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > daysIn[d.Month-1] ||
		(d.Month == 2 && d.Day == 29 && !leap) {
		return Date{}, fmt.Errorf("date %q does not exist", s)
	}
	return d, nil
}

// TechniqueIDs lists the ATT&CK technique and subtechnique IDs the analytic
// covers, in source order, each once.
func (a *Analytic) TechniqueIDs() []string {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, c := range a.Coverage {
		add(c.Technique.ID)
		for _, s := range c.Subtechniques {
			add(s.ID)
		}
	}
	return ids
}

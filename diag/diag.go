// Package diag holds the diagnostics every stage of cartrans reports: the
// analytic readers, the pseudocode front end and the backends. A diagnostic
// points at a file position, the way go/scanner's errors do, so a user can
// jump from the message to the exact line of the markdown file.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes, like go/token. A zero Line means the position is the file itself.
type Pos struct {
	File string `json:"file,omitempty" yaml:"file,omitempty"`
	Line int    `json:"line,omitempty" yaml:"line,omitempty"`
	Col  int    `json:"col,omitempty" yaml:"col,omitempty"`
}

// IsValid reports whether the position names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats the position as file:line:col, dropping parts that are unknown.
func (p Pos) String() string {
	s := p.File
	if s == "" {
		s = "-"
	}
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	return s
}

// Severity orders diagnostics by how much they matter.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	default:
		return "error"
	}
}

// MarshalText writes the severity by name, so JSON output reads "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one finding about an input.
type Diagnostic struct {
	Pos Pos `json:"pos"`
	// End is just past what the diagnostic is about (a syntax node, a
	// token), when whoever made it knows: Render underlines the span and
	// SARIF gives it as the region's end. The zero Pos when unknown.
	End      Pos      `json:"end,omitzero"`
	Severity Severity `json:"severity"`
	// Code is a short stable identifier ("E001", "W101") that docs and
	// tools can refer to; empty for reader diagnostics that need none.
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	// Suggestion is a did-you-mean or a repair, shown after the message.
	Suggestion string `json:"suggestion,omitempty"`
	// Fix is the repair of the suggestion as an edit of the file, set only
	// when the repair is certain (see Fix); nil when there is any doubt.
	Fix *Fix `json:"fix,omitempty"`
}

// Fix is a certain repair: the text Old, which begins at Pos on one line
// of the file, is to be replaced by New. Whoever makes a diagnostic
// attaches a Fix only when its suggestion has exactly one candidate and
// the rules where it is made (written there) leave no doubt, so a tool may
// apply it for a person to review (cartrans fmt --fix). Old is kept, not
// only its length, so that an edit whose text is not where it is said to
// be is refused instead of made in the wrong place.
type Fix struct {
	Pos Pos    `json:"pos"`
	Old string `json:"old"`
	New string `json:"new"`
}

// String formats the diagnostic as file:line:col: severity[code]: message.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	b.WriteString(d.Severity.String())
	if d.Code != "" {
		b.WriteString("[" + d.Code + "]")
	}
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Suggestion != "" {
		b.WriteString(" (" + d.Suggestion + ")")
	}
	return b.String()
}

// List collects diagnostics. The zero value is ready to use.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(pos Pos, sev Severity, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// Errorf appends an error.
func (l *List) Errorf(pos Pos, format string, args ...any) { l.Add(pos, Error, format, args...) }

// Warnf appends a warning.
func (l *List) Warnf(pos Pos, format string, args ...any) { l.Add(pos, Warning, format, args...) }

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool { return l.Count(Error) > 0 }

// Count returns how many diagnostics have the given severity.
func (l List) Count(sev Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// Sort orders the list by file, line and column, keeping the order of
// diagnostics at the same position.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
		)
	})
}

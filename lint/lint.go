// Package lint checks the pseudocode of a set of analytics and reports on
// it: every diagnostic, rendered with its source line, and a summary of
// how the analytics fared, as text, JSON or SARIF.
package lint

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/parser/lexer"
	"github.com/cartrans/cartrans/parser/pseudo"
	"github.com/cartrans/cartrans/sigma"
	"github.com/cartrans/cartrans/sigmair"
)

// Status is how an analytic fared.
type Status string

const (
	Clean        Status = "clean"
	Warnings     Status = "warnings"
	Errors       Status = "errors"
	NoPseudocode Status = "no pseudocode"
	Unreadable   Status = "unreadable"
)

// Analytic is one input's result.
type Analytic struct {
	ID     string   `json:"id,omitempty"`
	File   string   `json:"file"`
	Status Status   `json:"status"`
	Blocks int      `json:"pseudocode_blocks"`
	Errors int      `json:"errors"`
	Warns  int      `json:"warnings"`
	Codes  []string `json:"codes,omitempty"`
	// Sigma is set for a Sigma rule: whether it lowers to the IR with
	// the default mapping, and if not why (Refusal, its kind Category).
	Sigma *SigmaResult `json:"sigma,omitempty"`
}

// SigmaResult is how a Sigma rule fared beyond reading.
type SigmaResult struct {
	Level    string `json:"level,omitempty"`
	Status   string `json:"status,omitempty"`
	Lowers   bool   `json:"lowers"`
	Refusal  string `json:"refusal,omitempty"`
	Category string `json:"category,omitempty"`
}

// Report is the result of linting a set of inputs.
type Report struct {
	// Version is the cartrans build that linted, as SARIF's driver names it.
	Version   string     `json:"version"`
	Analytics []Analytic `json:"analytics"`
	// Blocks counts the pseudocode implementations; Compiled those without
	// errors; Repaired those among them the front end had to repair.
	Blocks   int            `json:"pseudocode_blocks"`
	Compiled int            `json:"compiled"`
	Repaired int            `json:"repaired"`
	ByCode   map[string]int `json:"diagnostics_by_code"`
	// SigmaRules counts the Sigma rules read, SigmaLowered those that
	// lower to the IR, SigmaRefused the others by the kind of refusal.
	SigmaRules   int            `json:"sigma_rules,omitempty"`
	SigmaLowered int            `json:"sigma_lowered,omitempty"`
	SigmaRefused map[string]int `json:"sigma_refused,omitempty"`
	Diags        diag.List      `json:"diagnostics"`
	// Units are the compiled implementations, for fmt.
	Units []*compiler.Unit `json:"-"`
	// inputs are the texts read, by path, for quoting their lines.
	inputs map[string][]byte
}

// repairCodes are the warnings that mean the front end changed the text
// to read it.
var repairCodes = map[string]bool{
	lexer.CodeSmartQuote: true, lexer.CodeClosingQuote: true, lexer.CodeOpeningQuote: true,
	lexer.CodeStrayQuote: true, lexer.CodeMissingParen: true, lexer.CodeExtraParen: true,
	pseudo.CodeAssignEq: true, pseudo.CodeSearchAnd: true, pseudo.CodeUnquoted: true, pseudo.CodeMissingComma: true,
}

// Lint compiles the pseudocode of every analytic read and reports.
func Lint(results []parser.Result) *Report {
	var analytics []*analytic.Analytic
	for _, r := range results {
		if r.Analytic != nil {
			analytics = append(analytics, r.Analytic)
		}
	}
	units := compiler.Compile(analytics)
	byAnalytic := map[*analytic.Analytic][]*compiler.Unit{}
	for _, u := range units {
		byAnalytic[u.Analytic] = append(byAnalytic[u.Analytic], u)
	}
	rep := &Report{ByCode: map[string]int{}, Units: units, inputs: map[string][]byte{}, SigmaRefused: map[string]int{}}
	// The Sigma rules are lowered on every core, as the units compiled.
	rules := sigmair.Rules(analytics)
	lowered := make([]*SigmaResult, len(rules))
	par.Each(len(rules), func(i int) {
		a := rules[i]
		sr := &SigmaResult{Level: a.Sigma.Level, Status: a.Sigma.Status}
		if _, err := sigmair.LowerAnalytic(a, sigmair.Options{}); err != nil {
			sr.Refusal, sr.Category = err.Error(), backends.Category(err)
		} else {
			sr.Lowers = true
		}
		lowered[i] = sr
	})
	sigmaOf := map[*analytic.Analytic]*SigmaResult{}
	for i, a := range rules {
		sigmaOf[a] = lowered[i]
	}
	for _, r := range results {
		if r.Data != nil {
			rep.inputs[r.Path] = r.Data
		}
		if r.Analytic == nil && !r.Diags.HasErrors() {
			// Skipped, not read (a README in a folder walked): its
			// warning is reported, and it is no analytic.
			rep.Diags = append(rep.Diags, r.Diags...)
			continue
		}
		res := Analytic{File: r.Path}
		diags := slices.Clone(r.Diags)
		if r.Analytic != nil {
			res.ID = r.Analytic.ID
			if sr := sigmaOf[r.Analytic]; sr != nil {
				res.Sigma = sr
				rep.SigmaRules++
				if sr.Lowers {
					rep.SigmaLowered++
				} else if r.Analytic.Sigma.Errors == 0 {
					rep.SigmaRefused[sr.Category]++
				}
			}
			for _, u := range byAnalytic[r.Analytic] {
				res.Blocks++
				rep.Blocks++
				if u.OK() {
					rep.Compiled++
					if slices.ContainsFunc(u.Diags, func(d diag.Diagnostic) bool { return repairCodes[d.Code] }) {
						rep.Repaired++
					}
				}
				diags = append(diags, u.Diags...)
			}
		}
		res.Errors, res.Warns = diags.Count(diag.Error), diags.Count(diag.Warning)
		switch {
		case r.Analytic == nil:
			res.Status = Unreadable
		case res.Errors > 0:
			res.Status = Errors
		case res.Blocks == 0 && res.Sigma == nil:
			res.Status = NoPseudocode
		case res.Warns > 0:
			res.Status = Warnings
		default:
			res.Status = Clean
		}
		for _, d := range diags {
			if d.Code != "" {
				rep.ByCode[d.Code]++
				if !slices.Contains(res.Codes, d.Code) {
					res.Codes = append(res.Codes, d.Code)
				}
			}
		}
		slices.Sort(res.Codes)
		rep.Analytics = append(rep.Analytics, res)
		rep.Diags = append(rep.Diags, diags...)
	}
	rep.Diags.Sort()
	return rep
}

// Source returns the text read from a file, for writers that quote it or
// count its columns; nil for a file not read.
func (r *Report) Source(file string) []byte { return r.inputs[file] }

// Failed reports whether the lint should fail: on errors, and on warnings
// when strict.
func (r *Report) Failed(strict bool) bool {
	return r.Diags.HasErrors() || (strict && r.Diags.Count(diag.Warning) > 0)
}

// Count returns how many analytics have a status.
func (r *Report) Count(s Status) int {
	n := 0
	for _, a := range r.Analytics {
		if a.Status == s {
			n++
		}
	}
	return n
}

// WriteDiagnostics renders every diagnostic with its source line, from
// the text the readers read.
func (r *Report) WriteDiagnostics(w io.Writer) {
	lines := map[string][]string{}
	for _, d := range r.Diags {
		ls, ok := lines[d.Pos.File]
		if !ok {
			ls = parser.Lines(r.inputs[d.Pos.File])
			lines[d.Pos.File] = ls
		}
		line := ""
		if n := d.Pos.Line; n >= 1 && n <= len(ls) {
			line = ls[n-1]
		}
		d.Render(w, line)
	}
}

// WriteSummary writes the table of results.
func (r *Report) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "%-30s %5d\n", "analytics", len(r.Analytics))
	for _, s := range []Status{Clean, Warnings, Errors, NoPseudocode, Unreadable} {
		if n := r.Count(s); n > 0 || s != Unreadable {
			fmt.Fprintf(w, "  %-28s %5d\n", label(s), n)
		}
	}
	fmt.Fprintf(w, "%-30s %5d\n", "pseudocode blocks", r.Blocks)
	fmt.Fprintf(w, "  %-28s %5d\n", "compile", r.Compiled)
	fmt.Fprintf(w, "  %-28s %5d\n", "  of which repaired", r.Repaired)
	fmt.Fprintf(w, "  %-28s %5d\n", "with errors", r.Blocks-r.Compiled)
	if r.SigmaRules > 0 {
		fmt.Fprintf(w, "%-30s %5d\n", "Sigma rules", r.SigmaRules)
		fmt.Fprintf(w, "  %-28s %5d\n", "lower to the IR", r.SigmaLowered)
		refused := 0
		for _, n := range r.SigmaRefused {
			refused += n
		}
		fmt.Fprintf(w, "  %-28s %5d\n", "refused (read clean)", refused)
		for _, c := range slices.Sorted(maps.Keys(r.SigmaRefused)) {
			fmt.Fprintf(w, "    %5d  %s\n", r.SigmaRefused[c], c)
		}
	}
	if len(r.ByCode) == 0 {
		return
	}
	fmt.Fprintln(w, "diagnostics by code")
	for _, c := range slices.Sorted(maps.Keys(r.ByCode)) {
		desc := compiler.Codes[c]
		if desc == "" {
			desc = sigma.Codes[c]
		}
		fmt.Fprintf(w, "  %-6s %5d  %s\n", c, r.ByCode[c], desc)
	}
}

func label(s Status) string {
	switch s {
	case Warnings:
		return "with warnings only"
	case Errors:
		return "with errors"
	}
	return string(s)
}

// Package compiler compiles the pseudocode implementations of a set of
// analytics: it parses and checks each, and resolves the references
// between analytics ("run Analytic:CAR-…") across the set, reporting those
// it cannot find and those that form a cycle. The commands (lint, fmt and,
// later, convert and run) all start from its units.
package compiler

import (
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/parser/check"
	"github.com/cartrans/cartrans/parser/pseudo"
)

// Diagnostic codes of cross-analytic checks.
const (
	CodeUnknownAnalytic = "E217"
	CodeCycle           = "E218"
)

// Unit is one compiled pseudocode implementation.
type Unit struct {
	Analytic *analytic.Analytic
	// Impl is the implementation's index in Analytic.Implementations.
	Impl    int
	Program *ast.Program
	Info    *check.Info
	Diags   diag.List
}

// Implementation returns the unit's implementation.
func (u *Unit) Implementation() *analytic.Implementation {
	return &u.Analytic.Implementations[u.Impl]
}

// OK reports whether the unit compiled without errors.
func (u *Unit) OK() bool { return !u.Diags.HasErrors() }

// Base returns where an implementation's code sits in its file.
func Base(im *analytic.Implementation) pseudo.Base {
	return pseudo.Base{File: im.CodePos.File, Line: im.CodePos.Line, Indent: im.CodeIndent}
}

// Refusal says why a unit with errors is not run or translated.
func (u *Unit) Refusal() string {
	n := u.Diags.Count(diag.Error)
	if n == 1 {
		return "the pseudocode has 1 error (see cartrans lint)"
	}
	return fmt.Sprintf("the pseudocode has %d errors (see cartrans lint)", n)
}

// Compile compiles every pseudocode implementation of the analytics, in
// order.
func Compile(analytics []*analytic.Analytic) []*Unit {
	var units []*Unit
	byID := map[string]*analytic.Analytic{}
	for _, a := range analytics {
		if _, dup := byID[a.ID]; !dup {
			byID[a.ID] = a
		}
		for i := range a.Implementations {
			im := &a.Implementations[i]
			if im.Type != analytic.Pseudocode || strings.TrimSpace(im.Code) == "" {
				continue
			}
			units = append(units, &Unit{Analytic: a, Impl: i})
		}
	}
	// Each program is parsed and checked on its own, on every core.
	par.Each(len(units), func(i int) {
		u := units[i]
		im := &u.Analytic.Implementations[u.Impl]
		var pd, cd diag.List
		u.Program, pd = pseudo.Parse(im.Code, Base(im))
		u.Info, cd = check.Check(u.Program)
		u.Diags = append(pd, cd...)
	})
	resolveRuns(units, byID)
	for _, u := range units {
		u.Diags.Sort()
	}
	return units
}

// resolveRuns checks every "run Analytic:…" names an analytic among the
// inputs, and that no analytic reaches itself through them.
func resolveRuns(units []*Unit, byID map[string]*analytic.Analytic) {
	refs := map[string][]string{} // analytic ID -> IDs it runs
	for _, u := range units {
		for _, r := range u.Info.Runs {
			if _, ok := byID[r.Analytic]; !ok {
				u.Diags = append(u.Diags, diag.Diagnostic{Pos: r.At, End: r.End(), Severity: diag.Error, Code: CodeUnknownAnalytic,
					Message:    "analytic " + r.Analytic + " is not among the inputs",
					Suggestion: "give its file too"})
				continue
			}
			refs[u.Analytic.ID] = append(refs[u.Analytic.ID], r.Analytic)
		}
	}
	for _, u := range units {
		for _, r := range u.Info.Runs {
			if path := cycle(refs, r.Analytic, u.Analytic.ID); path != nil {
				u.Diags = append(u.Diags, diag.Diagnostic{Pos: r.At, End: r.End(), Severity: diag.Error, Code: CodeCycle,
					Message: "analytics use each other's output in a cycle: " + strings.Join(append([]string{u.Analytic.ID}, path...), " → ")})
			}
		}
	}
}

// cycle returns a path of references from "from" back to "to", or nil.
func cycle(refs map[string][]string, from, to string) []string {
	seen := map[string]bool{}
	var walk func(id string) []string
	walk = func(id string) []string {
		if id == to {
			return []string{id}
		}
		if seen[id] {
			return nil
		}
		seen[id] = true
		for _, next := range refs[id] {
			if p := walk(next); p != nil {
				return append([]string{id}, p...)
			}
		}
		return nil
	}
	return walk(from)
}

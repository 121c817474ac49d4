// Package convert runs the main job: it compiles the pseudocode of
// analytics and translates every program that compiled into each target
// backend's query language through a schema profile. An analytic that
// cannot be translated is never dropped: its entry says why.
package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Target is a backend with the profile to translate through.
type Target struct {
	Backend backends.Backend
	Profile *profile.Profile
}

// Entry is the translation of one pseudocode implementation to one target.
type Entry struct {
	ID             string            `json:"id"`
	Title          string            `json:"title"`
	Techniques     []string          `json:"attack,omitempty"`
	Implementation string            `json:"implementation,omitempty"`
	Target         string            `json:"target"`
	Profile        string            `json:"profile"`
	Fidelity       backends.Fidelity `json:"fidelity"`
	Reason         string            `json:"reason,omitempty"`
	Queries        []backends.Result `json:"queries,omitempty"`
	Warnings       []string          `json:"warnings,omitempty"`
	Pos            diag.Pos          `json:"pos"`
	// Version is the cartrans build that wrote the entry, set by a
	// command writing entries as JSON so that each can be traced to it.
	Version string         `json:"cartrans_version,omitempty"`
	Unit    *compiler.Unit `json:"-"`
}

// Options tune a conversion.
type Options struct {
	// Strict refuses programs with warnings.
	Strict bool
}

// Convert translates the analytics to the targets. The diagnostics are
// the front end's, for the commands to print.
func Convert(analytics []*analytic.Analytic, targets []Target, opt Options) ([]Entry, diag.List) {
	units := compiler.Compile(analytics)
	resolve := Resolver(units)
	// Each unit is translated on its own, on every core; its entries are
	// joined in input order after.
	perUnit := make([][]Entry, len(units))
	par.Each(len(units), func(i int) { perUnit[i] = translate(units[i], targets, opt, resolve) })
	var all diag.List
	var entries []Entry
	for i, u := range units {
		all = append(all, u.Diags...)
		entries = append(entries, perUnit[i]...)
	}
	return entries, all
}

// Resolver gives "run Analytic:ID" the outputs of that analytic's first
// pseudocode implementation among the inputs. The compiler has already
// reported references to analytics not given and cycles, so a unit with
// them is not lowered and the recursion ends.
func Resolver(units []*compiler.Unit) ir.Resolver {
	byID := map[string]*compiler.Unit{}
	for _, u := range units {
		if _, ok := byID[u.Analytic.ID]; !ok {
			byID[u.Analytic.ID] = u
		}
	}
	var resolve ir.Resolver
	resolve = func(id string) ([]ir.Query, error) {
		u, ok := byID[id]
		switch {
		case !ok:
			return nil, fmt.Errorf("no pseudocode among the inputs")
		case !u.OK():
			return nil, fmt.Errorf("its pseudocode has errors")
		}
		return ir.LowerRuns(u.Program, u.Info, resolve)
	}
	return resolve
}

// translate lowers one unit and translates it for every target.
func translate(u *compiler.Unit, targets []Target, opt Options, resolve ir.Resolver) []Entry {
	var entries []Entry
	im := u.Implementation()
	var warnings []string
	for _, d := range u.Diags {
		if d.Severity == diag.Warning {
			warnings = append(warnings, d.String())
		}
	}
	var queries []ir.Query
	var lowerErr error
	reason := ""
	switch {
	case !u.OK():
		reason = u.Refusal()
	case opt.Strict && u.Diags.Count(diag.Warning) > 0:
		reason = fmt.Sprintf("the pseudocode has %d warnings and --strict refuses them", u.Diags.Count(diag.Warning))
	default:
		queries, lowerErr = ir.LowerRuns(u.Program, u.Info, resolve)
		if lowerErr != nil {
			reason = lowerErr.Error()
		}
	}
	for _, t := range targets {
		e := Entry{
			ID: u.Analytic.ID, Title: u.Analytic.Title, Techniques: u.Analytic.TechniqueIDs(),
			Implementation: im.Name, Target: t.Backend.Name(), Profile: t.Profile.Name,
			Warnings: warnings, Pos: im.CodePos, Unit: u,
		}
		switch {
		case reason != "":
			e.Fidelity, e.Reason = backends.NotDone, reason
		default:
			results, err := t.Backend.Convert(queries, t.Profile)
			if err != nil {
				e.Fidelity, e.Reason = backends.NotDone, err.Error()
			} else {
				e.Queries, e.Fidelity = results, worst(results)
				for _, r := range results {
					if len(r.Approximations) > 0 && e.Reason == "" {
						a := r.Approximations[0]
						e.Reason = "approximate: " + a.Kind + ": " + a.Text
					}
				}
			}
		}
		entries = append(entries, e)
	}
	return entries
}

// worst is the lowest fidelity of a program's queries.
func worst(rs []backends.Result) backends.Fidelity {
	f := backends.Exact
	for _, r := range rs {
		if r.Fidelity == backends.Approximate {
			f = backends.Approximate
		}
	}
	return f
}

// TargetLabel names an entry's target and profile: "splunk (sysmon)".
func (e Entry) TargetLabel() string { return e.Target + " (" + e.Profile + ")" }

// Reasons groups the entries not translated exactly by the construct or
// cause their reason names, for the summary.
func Reasons(entries []Entry) map[string]int {
	out := map[string]int{}
	for _, e := range entries {
		if e.Fidelity == backends.Exact {
			continue
		}
		out[e.TargetLabel()+": "+category(e.Reason)]++
	}
	return out
}

// category shortens a reason to what it is about.
func category(reason string) string {
	switch {
	case strings.HasPrefix(reason, "approximate: "):
		kind, _, _ := strings.Cut(strings.TrimPrefix(reason, "approximate: "), ": ")
		return "approximate: " + kind
	case strings.Contains(reason, "(see cartrans lint)"):
		return "pseudocode with errors"
	case strings.Contains(reason, "does not map"):
		_, what, _ := strings.Cut(reason, "does not map ")
		what, _, _ = strings.Cut(what, " of ")
		if strings.HasPrefix(what, "events") || strings.HasPrefix(what, "any event") {
			return "unmapped event"
		}
		return "unmapped field"
	case strings.Contains(reason, " is not supported"):
		_, rest, _ := strings.Cut(reason, ": ")
		c, _, _ := strings.Cut(rest, " is not supported")
		return c
	case strings.Contains(reason, "cannot express"):
		_, rest, _ := strings.Cut(reason, "cannot express ")
		c, _, _ := strings.Cut(rest, " (")
		return c
	}
	return reason
}

// ErrNoTarget is returned for an unknown target name.
var ErrNoTarget = errors.New("unknown target")

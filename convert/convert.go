// Package convert runs the main job: it compiles the pseudocode of
// analytics and translates every program that compiled into each target
// backend's query language through a schema profile. An analytic that
// cannot be translated is never dropped: its entry says why.
package convert

import (
	"errors"
	"fmt"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
	"github.com/cartrans/cartrans/sigmair"
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
	// Category names the kind of Reason in a few words, the same however
	// its message is worded (backends.Category), for summaries.
	Category string            `json:"category,omitempty"`
	Queries  []backends.Result `json:"queries,omitempty"`
	Warnings []string          `json:"warnings,omitempty"`
	Pos      diag.Pos          `json:"pos"`
	// Version is the cartrans build that wrote the entry, set by a
	// command writing entries as JSON so that each can be traced to it.
	Version string `json:"cartrans_version,omitempty"`
	// Level, Status and LogSource are a Sigma rule's.
	Level     string `json:"level,omitempty"`
	Status    string `json:"status,omitempty"`
	LogSource string `json:"logsource,omitempty"`
	// Unit is the pseudocode compiled (nil for a Sigma rule); Analytic
	// the analytic or rule translated.
	Unit     *compiler.Unit     `json:"-"`
	Analytic *analytic.Analytic `json:"-"`
	// InputError marks an entry refused for its input's errors (or
	// warnings, under Strict), before any target saw it.
	InputError bool `json:"-"`
}

// Options tune a conversion.
type Options struct {
	// Strict refuses programs with warnings.
	Strict bool
	// Sigma tunes the lowering of Sigma rules (the mapping, expand's
	// values); its Filters are the filter rules among the inputs.
	Sigma sigmair.Options
}

// Convert translates the analytics to the targets. The diagnostics are
// the front end's, for the commands to print.
func Convert(analytics []*analytic.Analytic, targets []Target, opt Options) ([]Entry, diag.List) {
	units := compiler.Compile(analytics)
	resolve := Resolver(units)
	opt.Sigma = opt.Sigma.WithFilters(analytics)
	rules := sigmair.Rules(analytics)
	// Each unit and rule is translated on its own, on every core; the
	// entries are joined in input order after.
	perUnit := make([][]Entry, len(units))
	perRule := make([][]Entry, len(rules))
	par.Each(len(units)+len(rules), func(i int) {
		if i < len(units) {
			perUnit[i] = translate(units[i], targets, opt, resolve)
			return
		}
		perRule[i-len(units)] = translateSigma(rules[i-len(units)], targets, opt)
	})
	var all diag.List
	n := 0
	for _, es := range perUnit {
		n += len(es)
	}
	for _, es := range perRule {
		n += len(es)
	}
	var entries []Entry
	if n > 0 {
		entries = make([]Entry, 0, n) // sized once: an Entry is large
	}
	u, r := 0, 0
	for _, a := range analytics {
		for ; u < len(units) && units[u].Analytic == a; u++ {
			all = append(all, units[u].Diags...)
			entries = append(entries, perUnit[u]...)
		}
		if r < len(rules) && rules[r] == a {
			entries = append(entries, perRule[r]...)
			r++
		}
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
	reason, cat := "", ""
	switch {
	case !u.OK():
		reason, cat = u.Refusal(), "pseudocode with errors"
	case opt.Strict && u.Diags.Count(diag.Warning) > 0:
		reason, cat = fmt.Sprintf("the pseudocode has %d warnings and --strict refuses them", u.Diags.Count(diag.Warning)), "pseudocode with warnings"
	default:
		queries, lowerErr = ir.LowerRuns(u.Program, u.Info, resolve)
		if lowerErr != nil {
			reason, cat = lowerErr.Error(), backends.Category(lowerErr)
		}
	}
	for _, t := range targets {
		e := Entry{
			ID: u.Analytic.ID, Title: u.Analytic.Title, Techniques: u.Analytic.TechniqueIDs(),
			Implementation: im.Name, Target: t.Backend.Name(), Profile: t.Profile.Name,
			Warnings: warnings, Pos: im.CodePos, Unit: u, Analytic: u.Analytic,
			InputError: !u.OK() || opt.Strict && u.Diags.Count(diag.Warning) > 0,
		}
		switch {
		case reason != "":
			e.Fidelity, e.Reason, e.Category = backends.NotDone, reason, cat
		default:
			fill(&e, t, queries)
		}
		entries = append(entries, e)
	}
	return entries
}

// translateSigma lowers one Sigma rule and translates it for every
// target. A mapping that cannot serve a target's profile is refused with
// the mapping's reasons, which name the Sigma field.
func translateSigma(a *analytic.Analytic, targets []Target, opt Options) []Entry {
	queries, lowerErr := sigmair.LowerAnalytic(a, opt.Sigma)
	var entries []Entry
	if len(targets) > 0 {
		entries = make([]Entry, 0, len(targets))
	}
	// The entries share the rule's technique list, as they share its
	// analytic: none changes it; a lowering error says the same for
	// every target.
	techniques := a.TechniqueIDs()
	var lowerReason, lowerCategory string
	if lowerErr != nil {
		lowerReason, lowerCategory = lowerErr.Error(), backends.Category(lowerErr)
	}
	for _, t := range targets {
		e := Entry{
			ID: a.ID, Title: a.Title, Techniques: techniques, Target: t.Backend.Name(), Profile: t.Profile.Name,
			Pos: a.Pos, Analytic: a, Level: a.Sigma.Level, Status: a.Sigma.Status, LogSource: a.Sigma.LogSource,
			InputError: a.Sigma.Errors > 0,
		}
		switch {
		case e.InputError:
			e.Fidelity, e.Reason, e.Category = backends.NotDone, lowerReason, "Sigma rule with errors"
		case lowerErr != nil:
			e.Fidelity, e.Reason, e.Category = backends.NotDone, lowerReason, lowerCategory
		default:
			if err := sigmair.Check(a, t.Profile, opt.Sigma); err != nil {
				e.Fidelity, e.Reason, e.Category = backends.NotDone, err.Error(), backends.Category(err)
			}
		}
		if e.Fidelity == backends.NotDone {
			entries = append(entries, e)
			continue
		}
		fill(&e, t, queries)
		entries = append(entries, e)
	}
	return entries
}

// fill translates queries for a target into the entry.
func fill(e *Entry, t Target, queries []ir.Query) {
	results, err := t.Backend.Convert(queries, t.Profile)
	if err != nil {
		e.Fidelity, e.Reason, e.Category = backends.NotDone, err.Error(), backends.Category(err)
		return
	}
	e.Queries, e.Fidelity = results, worst(results)
	for _, r := range results {
		if len(r.Approximations) > 0 && e.Reason == "" {
			a := r.Approximations[0]
			e.Reason, e.Category = "approximate: "+a.Kind+": "+a.Text, "approximate: "+a.Kind
		}
	}
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

// Reasons groups the entries not translated exactly by the kind of
// their reason (Entry.Category), for the summary.
func Reasons(entries []Entry) map[string]int {
	out := map[string]int{}
	for _, e := range entries {
		if e.Fidelity == backends.Exact {
			continue
		}
		out[e.TargetLabel()+": "+e.Category]++
	}
	return out
}

// ErrNoTarget is returned for an unknown target name.
var ErrNoTarget = errors.New("unknown target")

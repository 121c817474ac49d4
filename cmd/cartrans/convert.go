package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/encode"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/profile"
)

func newConvertCmd() *cobra.Command {
	var targets, profileArg, format, failOn, outDir string
	var sets []string
	var explain, summary, strict bool
	cmd := &cobra.Command{
		Use:   "convert PATH...",
		Short: "Translate the pseudocode of analytics into SIEM queries",
		Long: `convert translates every pseudocode implementation of every analytic into
the query language of each target, through a schema profile that says how
the CAR data model's events and fields appear in that SIEM. Each result
has a fidelity: exact, approximate (with the reason), or unsupported (with
the construct and its position). A program with errors is not translated.

Exit status 1 when an input does not read or its pseudocode has errors
(or warnings, under --strict), so that nothing can translate it; a target
that cannot express an analytic says why, with the position, and is no
failure unless --fail-on unsupported (or approximate: an approximate
query too) asks for it. 0 otherwise, 2 on usage errors.`,
		Example: `  cartrans convert examples/analytics
  cartrans convert -t splunk --set index=sysmon --explain examples/analytics/CAR-2026-11-901.md
  cartrans convert -t logpoint --profile sigma examples/analytics
  cartrans convert --summary ../shared/car/analytics`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "savedsearches" {
				return usagef("--format must be text, json or savedsearches, not %q", format)
			}
			if !slices.Contains([]string{"error", "unsupported", "approximate", "never"}, failOn) {
				return usagef("--fail-on must be error, unsupported, approximate or never, not %q", failOn)
			}
			tgts, err := resolveTargets(targets, profileArg, sets)
			if err != nil {
				return err
			}
			if outDir != "" {
				if err := convert.CheckTargets(tgts); err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					return exitError{exitFailed}
				}
			}
			results := parser.Load(args, parser.Options{Stdin: cmd.InOrStdin()})
			var analytics []*analytic.Analytic
			var readDiags diag.List
			for _, r := range results {
				readDiags = append(readDiags, r.Diags...)
				if r.Analytic != nil {
					analytics = append(analytics, r.Analytic)
				}
			}
			entries, diags := convert.Convert(analytics, tgts, convert.Options{Strict: strict})
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			all := append(readDiags, diags...)
			all.Sort()
			if !summary {
				// The summary counts them; lint shows them.
				for _, d := range all {
					if d.Severity != diag.Info {
						fmt.Fprintln(errw, d)
					}
				}
			}
			if !explain {
				for i := range entries {
					for j := range entries[i].Queries {
						entries[i].Queries[j].Explain = nil
					}
				}
			}
			var outFailed bool
			if outDir != "" {
				files, diags := convert.Files(entries)
				for _, d := range diags {
					fmt.Fprintln(errw, d)
				}
				outFailed = diags.HasErrors()
				if err := convert.WriteOut(outDir, files); err != nil {
					fmt.Fprintf(errw, "cartrans: %v\n", err)
					return exitError{exitFailed}
				}
			}
			switch {
			case summary:
				writeSummary(out, entries)
			case format == "savedsearches":
				if err := convert.SavedSearches(out, entries); err != nil {
					return err
				}
			case outDir != "":
				for _, e := range entries {
					if e.Fidelity == backends.NotDone {
						fmt.Fprintf(errw, "%s %s (%s): not translated: %s\n", e.ID, e.Target, e.Profile, e.Reason)
					}
				}
			case format == "json":
				if err := encode.JSON(out, entries); err != nil {
					return err
				}
			default:
				writeText(out, entries, explain)
			}
			failed := readDiags.HasErrors() || outFailed
			for _, e := range entries {
				// A program refused before any target sees it (errors,
				// or warnings under --strict) is the input's failure; a
				// target that cannot express it, reported with its
				// reason, is one only when asked for.
				refused := e.Fidelity == backends.NotDone && (!e.Unit.OK() || strict && e.Unit.Diags.Count(diag.Warning) > 0)
				switch failOn {
				case "error":
					failed = failed || refused
				case "unsupported":
					failed = failed || e.Fidelity == backends.NotDone
				case "approximate":
					failed = failed || e.Fidelity != backends.Exact
				}
			}
			if failed {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&targets, "target", "t", "all", "targets, comma-separated, or all")
	f.StringVar(&profileArg, "profile", "", "schema profile: the `name` of an embedded profile (cartrans list profiles says what each assumes: logpoint's sysmon has the names of CAR's LogPoint queries, its sigma those of LogPoint's Sigma rules), a profile file, or all (default: each target's native profile)")
	f.StringArrayVar(&sets, "set", nil, "override a profile setting, as name=value (repeatable)")
	f.StringVarP(&format, "format", "f", "text", "output format: text, json, or savedsearches (Splunk's savedsearches.conf)")
	f.StringVar(&outDir, "out", "", "write one file per analytic, target and profile under this folder: <target>-<profile>/<ID>.txt, a query a line")
	f.StringVar(&failOn, "fail-on", "error", "exit 1 on: error (a pseudocode with errors), unsupported (also an analytic a target does not translate), approximate (also an approximate query), never")
	f.BoolVar(&explain, "explain", false, "show how each condition was mapped")
	f.BoolVar(&summary, "summary", false, "print a table of how many implementations each target translates, and why not the rest")
	f.BoolVar(&strict, "strict", false, "refuse programs with warnings")
	return cmd
}

// resolveTargets turns -t, --profile and --set into targets.
func resolveTargets(names, profileArg string, sets []string) ([]convert.Target, error) {
	settings := map[string]string{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, usagef("--set takes name=value, not %q", s)
		}
		if err := profile.CheckSetting(k, v); err != nil {
			return nil, usagef("%v", err)
		}
		settings[k] = v
	}
	var bs []backends.Backend
	if names == "all" {
		bs = all.Backends()
	} else {
		for _, n := range strings.Split(names, ",") {
			b, ok := all.Find(strings.TrimSpace(n))
			if !ok {
				var known []string
				for _, b := range all.Backends() {
					known = append(known, b.Name())
				}
				return nil, usagef("unknown target %q (targets: %s)", n, strings.Join(known, ", "))
			}
			bs = append(bs, b)
		}
	}
	var fileProfile *profile.Profile
	if profileArg != "" {
		// A path that exists is a profile file, but never a folder: the
		// name of an embedded profile (sigma) may also name a folder in
		// the working directory (a checkout of Sigma's rules).
		if fi, err := os.Stat(profileArg); err == nil && !fi.IsDir() {
			p, err := profile.Load(profileArg)
			if err != nil {
				return nil, usagef("%v", err)
			}
			fileProfile = p
		}
	}
	var out []convert.Target
	if profileArg == "all" {
		// Every embedded profile of each target, settings applied where
		// the profile has them.
		for _, b := range bs {
			for _, p := range b.Profiles() {
				if q, err := p.With(settings); err == nil {
					p = q
				}
				out = append(out, convert.Target{Backend: b, Profile: p})
			}
		}
		return out, nil
	}
	for _, b := range bs {
		p := b.Profiles()[0]
		switch {
		case fileProfile != nil:
			if fileProfile.Backend != b.Name() {
				continue
			}
			p = fileProfile
		case profileArg != "":
			p = nil
			for _, q := range b.Profiles() {
				if q.Name == profileArg {
					p = q
				}
			}
			if p == nil {
				if names != "all" {
					return nil, usagef("target %s has no profile %q", b.Name(), profileArg)
				}
				continue
			}
		}
		if len(settings) > 0 {
			q, err := p.With(settings)
			if err != nil {
				if names == "all" {
					q = p
				} else {
					return nil, usagef("%v", err)
				}
			}
			p = q
		}
		out = append(out, convert.Target{Backend: b, Profile: p})
	}
	if len(out) == 0 {
		return nil, usagef("no target has the profile %q", profileArg)
	}
	return out, nil
}

func writeText(w io.Writer, entries []convert.Entry, explain bool) {
	for i, e := range entries {
		if i > 0 {
			fmt.Fprintln(w)
		}
		name := e.ID + " " + e.Title
		if e.Implementation != "" {
			name += " — " + e.Implementation
		}
		fmt.Fprintf(w, "# %s\n# %s (%s): %s", name, e.Target, e.Profile, e.Fidelity)
		if e.Reason != "" && e.Fidelity != backends.Approximate {
			fmt.Fprintf(w, ": %s", e.Reason)
		}
		fmt.Fprintln(w)
		for _, q := range e.Queries {
			if q.Output != "" && len(e.Queries) > 1 {
				fmt.Fprintf(w, "# output %s\n", q.Output)
			}
			for _, a := range q.Approximations {
				fmt.Fprintf(w, "# approximate: %s: %s\n", a.Pos, a.Text)
			}
			if explain {
				for _, x := range q.Explain {
					fmt.Fprintf(w, "# %s: %s\n", x.Pos, x.Text)
				}
			}
			fmt.Fprintln(w, q.Query)
		}
	}
}

func writeSummary(w io.Writer, entries []convert.Entry) {
	type counts struct{ total, exact, approx int }
	byTarget := map[string]*counts{}
	var order []string
	for _, e := range entries {
		c := byTarget[e.TargetLabel()]
		if c == nil {
			c = &counts{}
			byTarget[e.TargetLabel()] = c
			order = append(order, e.TargetLabel())
		}
		c.total++
		switch e.Fidelity {
		case backends.Exact:
			c.exact++
		case backends.Approximate:
			c.approx++
		}
	}
	fmt.Fprintf(w, "| target (profile) | pseudocode implementations | exact | approximate | not translated |\n|---|---|---|---|---|\n")
	for _, t := range order {
		c := byTarget[t]
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d |\n", t, c.total, c.exact, c.approx, c.total-c.exact-c.approx)
	}
	reasons := convert.Reasons(entries)
	if len(reasons) == 0 {
		return
	}
	fmt.Fprintf(w, "\n| target (profile): reason not translated exactly | implementations |\n|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(reasons)) {
		fmt.Fprintf(w, "| %s | %d |\n", k, reasons[k])
	}
}

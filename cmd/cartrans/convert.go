package main

import (
	"fmt"
	"github.com/cartrans/cartrans/internal/version"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/encode"
	"github.com/cartrans/cartrans/internal/suggest"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/profile"
	"github.com/cartrans/cartrans/sigma"
)

func newConvertCmd() *cobra.Command {
	var targets, profileArg, format, failOn, outDir string
	var sets []string
	var explain, summary, strict bool
	var sigmaArgs sigmaFlags
	saved := convert.SavedSearchOptions{}
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
  cartrans convert -t splunk --set sysmon_index=sysmon --explain examples/analytics/CAR-2026-11-901.md
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
			for _, name := range []string{"earliest", "latest", "cron-schedule", "enable-sched", "disabled"} {
				if cmd.Flags().Changed(name) && format != "savedsearches" {
					return usagef("--%s is a key of Splunk's savedsearches.conf: give it with --format savedsearches", name)
				}
			}
			if err := saved.Check(); err != nil {
				return usagef("%v", err)
			}
			tgts, err := resolveTargets(targets, profileArg, sets)
			if err != nil {
				return err
			}
			// A format for one target's language needs that target
			// among those selected, or it would print nothing and exit 0.
			if format == "savedsearches" && !slices.ContainsFunc(tgts, func(t convert.Target) bool { return t.Backend.Name() == "splunk" }) {
				return usagef("--format savedsearches writes Splunk's savedsearches.conf, and no target selected is splunk (%s): select it with -t splunk", targetLabels(tgts))
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
			sigmaOpt, _, err := sigmaArgs.options()
			if err != nil {
				return err
			}
			entries, diags := convert.Convert(analytics, tgts, convert.Options{Strict: strict, Sigma: sigmaOpt})
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
				diags, err := convert.SavedSearches(out, entries, saved)
				if err != nil {
					return err
				}
				for _, d := range diags {
					fmt.Fprintln(errw, d)
				}
				outFailed = outFailed || diags.HasErrors()
			case outDir != "":
				for _, e := range entries {
					if e.Fidelity == backends.NotDone {
						fmt.Fprintf(errw, "%s %s (%s): not translated: %s\n", e.ID, e.Target, e.Profile, e.Reason)
					}
				}
			case format == "json":
				v := version.Read().Short()
				for i := range entries {
					entries[i].Version = v
				}
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
				refused := e.Fidelity == backends.NotDone && e.InputError
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
	sigmaArgs.register(f, paramHelpConvert)
	// The keys of savedsearches.conf.spec (docs/design/splunk.md §6).
	f.StringVar(&saved.EarliestTime, "earliest", "-24h", "savedsearches: dispatch.earliest_time, the start of the time range each run searches")
	f.StringVar(&saved.LatestTime, "latest", "now", "savedsearches: dispatch.latest_time, the end of that range")
	f.StringVar(&saved.CronSchedule, "cron-schedule", "", "savedsearches: cron_schedule, when the scheduler runs each search (`*/15 * * * *`; default none)")
	f.BoolVar(&saved.EnableSched, "enable-sched", false, "savedsearches: enableSched = 1, run each search on its cron schedule (needs --cron-schedule)")
	f.BoolVar(&saved.Disabled, "disabled", false, "savedsearches: disabled = true, the searches cannot run until enabled")
	registerTargetCompletion(cmd)
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "savedsearches"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// targetLabels lists targets as "eql (endgame), dnif (sysmon)".
func targetLabels(tgts []convert.Target) string {
	var out []string
	for _, t := range tgts {
		out = append(out, t.Backend.Name()+" ("+t.Profile.Name+")")
	}
	return strings.Join(out, ", ")
}

// registerTargetCompletion completes the values of -t (the targets of
// backends/all, after those already written before a comma) and
// --profile (all, each selected target's profiles, and files) for shell
// completion (cartrans completion bash).
func registerTargetCompletion(cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("target", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done, _ := cutLast(toComplete, ",")
		out := []string{}
		if done == "" {
			out = append(out, "all")
		}
		for _, b := range all.Backends() {
			if done == "" || !slices.Contains(strings.Split(strings.TrimSuffix(done, ","), ","), b.Name()) {
				out = append(out, done+b.Name())
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
	cmd.RegisterFlagCompletionFunc("profile", func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		bs := all.Backends()
		if t := c.Flags().Lookup("target"); t != nil && t.Changed {
			if sel, err := selectBackends(t.Value.String()); err == nil {
				bs = sel
			}
		}
		out := []string{"all"}
		for _, b := range bs {
			for _, p := range b.Profiles() {
				if !slices.Contains(out, p.Name) {
					out = append(out, p.Name)
				}
			}
		}
		// A profile may also be a file: the shell completes paths too.
		return out, cobra.ShellCompDirectiveDefault
	})
}

// cutLast splits s after the last sep: "splunk,e" → "splunk,", "e".
func cutLast(s, sep string) (string, string) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s
	}
	return s[:i+len(sep)], s[i+len(sep):]
}

// resolveTargets turns -t, --profile and --set into targets. A name that
// is none of those it could be is a usage error listing them, with the
// closest as a suggestion.
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
	bs, err := selectBackends(names)
	if err != nil {
		return nil, err
	}
	fileProfile, err := profileFile(profileArg)
	if err != nil {
		return nil, err
	}
	var out []convert.Target
	for _, b := range bs {
		switch {
		case profileArg == "all":
			// Every embedded profile of each target.
			for _, p := range b.Profiles() {
				out = append(out, convert.Target{Backend: b, Profile: p})
			}
		case fileProfile != nil:
			if fileProfile.Backend == b.Name() {
				out = append(out, convert.Target{Backend: b, Profile: fileProfile})
			}
		case profileArg != "":
			i := slices.IndexFunc(b.Profiles(), func(p *profile.Profile) bool { return p.Name == profileArg })
			switch {
			case i >= 0:
				out = append(out, convert.Target{Backend: b, Profile: b.Profiles()[i]})
			case names != "all":
				// A target named on the command line must have it.
				return nil, unknownProfile(profileArg, []backends.Backend{b})
			}
		default:
			out = append(out, convert.Target{Backend: b, Profile: b.Profiles()[0]})
		}
	}
	switch {
	case len(out) == 0 && fileProfile != nil:
		if _, ok := all.Find(fileProfile.Backend); !ok {
			return nil, usagef("%s: backend: %v", fileProfile.File, unknownTarget(fileProfile.Backend))
		}
		return nil, usagef("%s: a profile for target %s, which -t does not select", fileProfile.File, fileProfile.Backend)
	case len(out) == 0:
		return nil, unknownProfile(profileArg, bs)
	}
	return withSettings(out, settings)
}

// selectBackends reads -t: all, or names separated by commas, each once.
func selectBackends(names string) ([]backends.Backend, error) {
	if names == "all" {
		return all.Backends(), nil
	}
	var bs []backends.Backend
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		b, ok := all.Find(n)
		if !ok {
			return nil, unknownTarget(n)
		}
		if !slices.ContainsFunc(bs, func(c backends.Backend) bool { return c.Name() == n }) {
			bs = append(bs, b)
		}
	}
	return bs, nil
}

// unknownTarget names the targets and the closest; a name that is no
// target's but is a profile's, or a word of what a profile describes
// (elastic: eql's ecs, "EQL as Elasticsearch runs it"), points to -t and
// --profile.
func unknownTarget(n string) error {
	var known, hints []string
	word := strings.ToLower(n)
	for _, b := range all.Backends() {
		known = append(known, b.Name())
		for _, p := range b.Profiles() {
			if len(word) >= 3 && (p.Name == word || mentions(p.Description, word)) {
				hints = append(hints, "-t "+b.Name()+" --profile "+p.Name)
			}
		}
	}
	msg := fmt.Sprintf("unknown target %q (targets: %s)", n, strings.Join(known, ", "))
	if c, ok := suggest.Closest(word, known, 2); ok {
		msg += "; did you mean " + c + "?"
	} else if len(hints) > 0 {
		msg += "; did you mean " + strings.Join(hints, " or ") + "?"
	}
	return usagef("%s", msg)
}

// mentions reports a word of text that starts with w, ignoring case.
func mentions(text, w string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.HasPrefix(f, w) {
			return true
		}
	}
	return false
}

// unknownProfile names the profiles of the targets and the closest.
func unknownProfile(name string, bs []backends.Backend) error {
	var lists, names []string
	for _, b := range bs {
		var ps []string
		for _, p := range b.Profiles() {
			ps = append(ps, p.Name)
			if !slices.Contains(names, p.Name) {
				names = append(names, p.Name)
			}
		}
		lists = append(lists, b.Name()+": "+strings.Join(ps, ", "))
	}
	msg := fmt.Sprintf("unknown profile %q (profiles: %s; or all, or a profile file)", name, strings.Join(lists, "; "))
	if len(bs) == 1 {
		msg = fmt.Sprintf("target %s has no profile %q (its profiles: %s; or all, or a profile file)", bs[0].Name(), name, strings.Join(names, ", "))
	}
	if c, ok := suggest.Closest(name, names, 2); ok {
		msg += "; did you mean " + c + "?"
	}
	return usagef("%s", msg)
}

// profileFile reads --profile when it is a file: a path that exists and
// is not a folder (the name of an embedded profile, sigma, may also name
// a folder in the working directory: a checkout of Sigma's rules). A
// value written as a path (a separator, a .yaml or .yml ending) that is
// no file is an error saying so, not an unknown profile name.
func profileFile(arg string) (*profile.Profile, error) {
	if arg == "" || arg == "all" {
		return nil, nil
	}
	fi, err := os.Stat(arg)
	if err == nil && !fi.IsDir() {
		p, err := profile.Load(arg)
		if err != nil {
			return nil, usagef("%v", err)
		}
		return p, nil
	}
	ext := strings.ToLower(filepath.Ext(arg))
	if strings.ContainsAny(arg, `/\`) || ext == ".yaml" || ext == ".yml" {
		if err == nil {
			return nil, usagef("profile file %s is a folder", arg)
		}
		return nil, usagef("profile file %s does not exist", arg)
	}
	return nil, nil
}

// withSettings applies --set to each target whose profile has the
// setting. A setting none of them has is an error naming theirs and the
// closest; a value a profile refuses (a list where it takes one word) is
// an error, never skipped.
func withSettings(targets []convert.Target, settings map[string]string) ([]convert.Target, error) {
	var known []string
	for _, t := range targets {
		for k := range t.Profile.Settings {
			if !slices.Contains(known, k) {
				known = append(known, k)
			}
		}
	}
	slices.Sort(known)
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		if slices.Contains(known, k) {
			continue
		}
		msg := fmt.Sprintf("no profile selected has the setting %q (their settings: %s)", k, strings.Join(known, ", "))
		if len(known) == 0 {
			msg = fmt.Sprintf("no profile selected has the setting %q: they have none", k)
		}
		// A name close to one, or the last part of some (index: each
		// log's sysmon_index, security_index…).
		var near []string
		if c, ok := suggest.Closest(k, known, 3); ok {
			near = []string{c}
		} else {
			for _, s := range known {
				if strings.HasSuffix(s, "_"+k) {
					near = append(near, s)
				}
			}
		}
		if len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, " or ") + "?"
		}
		return nil, usagef("%s", msg)
	}
	for i, t := range targets {
		own := map[string]string{}
		for k, v := range settings {
			if _, ok := t.Profile.Settings[k]; ok {
				own[k] = v
			}
		}
		if len(own) == 0 {
			continue
		}
		p, err := t.Profile.With(own)
		if err != nil {
			return nil, usagef("%v", err)
		}
		targets[i].Profile = p
	}
	return targets, nil
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
	// What is counted: CAR's pseudocode implementations, Sigma rules, or
	// both.
	unit := "pseudocode implementations"
	sigmaN := 0
	for _, e := range entries {
		if e.LogSource != "" {
			sigmaN++
		}
	}
	switch {
	case sigmaN == len(entries) && sigmaN > 0:
		unit = "Sigma rules"
	case sigmaN > 0:
		unit = "implementations and Sigma rules"
	}
	fmt.Fprintf(w, "| target (profile) | %s | exact | approximate | not translated |\n|---|---|---|---|---|\n", unit)
	for _, t := range order {
		c := byTarget[t]
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d |\n", t, c.total, c.exact, c.approx, c.total-c.exact-c.approx)
	}
	if sigmaN > 0 {
		writeLogSources(w, entries, order)
	}
	sysmon := slices.DeleteFunc(slices.Clone(entries), func(e convert.Entry) bool { return !isSysmonRule(e) })
	if len(sysmon) > 0 && len(sysmon) < len(entries) {
		writeReasons(w, "reason a rule of a Sysmon category is not translated exactly", "Sigma rules", sysmon)
	}
	writeReasons(w, "reason not translated exactly", unit, entries)
}

// writeReasons tables the entries not translated exactly by target and
// the kind of their reason; nothing when every one is exact.
func writeReasons(w io.Writer, title, unit string, entries []convert.Entry) {
	reasons := convert.Reasons(entries)
	if len(reasons) == 0 {
		return
	}
	fmt.Fprintf(w, "\n| target (profile): %s | %s |\n|---|---|\n", title, unit)
	for _, k := range slices.Sorted(maps.Keys(reasons)) {
		fmt.Fprintf(w, "| %s | %d |\n", k, reasons[k])
	}
}

// isSysmonRule reports whether an entry is a Sigma rule of one of the
// taxonomy's Sysmon categories.
func isSysmonRule(e convert.Entry) bool {
	if e.Analytic == nil || e.Analytic.Sigma == nil {
		return false
	}
	r, ok := e.Analytic.Sigma.Rule.(*sigma.Rule)
	return ok && r.LogSource.IsSysmon()
}

// writeLogSources tables the Sigma rules by logsource: how many there
// are, and how many each target translates exactly. Logsources with
// most rules come first; those no target translates are summed in one
// row, so the table shows what translates and the reasons table why the
// rest does not.
func writeLogSources(w io.Writer, entries []convert.Entry, targets []string) {
	rows := map[string]*logSourceRow{}
	// The rules of the taxonomy's Sysmon categories, together.
	sysmon := newLogSourceRow()
	for _, e := range entries {
		if e.LogSource == "" {
			continue
		}
		r := rows[e.LogSource]
		if r == nil {
			r = newLogSourceRow()
			rows[e.LogSource] = r
		}
		r.add(e)
		if isSysmonRule(e) {
			sysmon.add(e)
		}
	}
	names := slices.Collect(maps.Keys(rows))
	slices.SortFunc(names, func(a, b string) int {
		if d := rows[b].rules - rows[a].rules; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	fmt.Fprintf(w, "\n| logsource | Sigma rules | %s |\n|---|---|%s\n", strings.Join(targets, " exact | ")+" exact", strings.Repeat("---|", len(targets)))
	if sysmon.rules > 0 {
		sysmon.write(w, "**the Sysmon categories (Windows)**", targets)
	}
	restRules, restN := 0, 0
	for _, n := range names {
		r := rows[n]
		if r.anyExact == 0 {
			restRules += r.rules
			restN++
			continue
		}
		r.write(w, n, targets)
	}
	if restN > 0 {
		fmt.Fprintf(w, "| %d other logsources | %d |%s\n", restN, restRules, strings.Repeat(" 0 |", len(targets)))
	}
}

// logSourceRow counts the rules of a row of writeLogSources and how many
// each target translates exactly.
type logSourceRow struct {
	rules, anyExact int
	exact           map[string]int
	seen            map[string]bool // a rule (its id and position), counted once
}

func newLogSourceRow() *logSourceRow {
	return &logSourceRow{exact: map[string]int{}, seen: map[string]bool{}}
}

// add counts an entry: its rule once, its target if exact.
func (r *logSourceRow) add(e convert.Entry) {
	if key := e.ID + "\x00" + e.Pos.String(); !r.seen[key] {
		r.seen[key] = true
		r.rules++
	}
	if e.Fidelity == backends.Exact {
		r.exact[e.TargetLabel()]++
		r.anyExact++
	}
}

func (r *logSourceRow) write(w io.Writer, name string, targets []string) {
	fmt.Fprintf(w, "| %s | %d |", name, r.rules)
	for _, t := range targets {
		fmt.Fprintf(w, " %d |", r.exact[t])
	}
	fmt.Fprintln(w)
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/goldens"
	"github.com/cartrans/cartrans/parser"
)

func newCheckCmd() *cobra.Command {
	var targets, profileArg, goldenDir, format string
	var sets []string
	var update, verbose, driftMode bool
	cmd := &cobra.Command{
		Use:   "check PATH... (--golden DIR | --drift)",
		Short: "Compare the generated queries with committed golden files, or hand-written queries with the pseudocode",
		Long: `check regenerates every query of the analytics, as convert --out writes
them (DIR/<target>-<profile>/<ID>.txt, a query a line), and compares them
with the files committed in DIR: a changed query, a missing file and a file
left for an analytic that no longer translates are each printed as a
unified diff, then a summary line. Exit status 1 on any difference, 0 when
DIR is up to date; --update rewrites DIR to match (exit 0) and prints the
summary (-v: the diffs too). An analytic that does not read, and no
analytic at all, is an error: exit 1, and nothing is called up to date.
Only the files these analytics would write are read, written or removed;
an analytic ID or profile name that is not a plain file name (see convert
--out), and a symlink in DIR leading out of it, are errors.

This is the gate a repository's CI runs, the way gofmt -l gates Go code:
a change to an analytic, a profile or cartrans itself that changes a query
shows up in review as a diff of the golden files.

--drift reviews the ` + driftLanguages() + ` queries written by hand
beside the pseudocode (as CAR's pages carry them): it reads the fields and
values each tests, reads the query cartrans generates the same way (with
the profile and pseudocode block it differs least from), and lists where
they differ: another event code, a name matched as a substring or a
suffix, a full path where the pseudocode names a base name, a full-text
term for a field test, a condition missing or added, a negation or a
case-sensitivity the other lacks. Parts the readers do not compare
(statistics, subsearches) are listed. A table per analytic and backend,
then a summary (--format json: the reports as JSON; --format summary: the
summary alone, a markdown table). Exit status 1 when a
query differs or cannot be read.`,
		Example: `  cartrans check analytics --golden queries
  cartrans check analytics --golden queries --update
  cartrans check --drift ../shared/car/analytics`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if driftMode {
				if goldenDir != "" || update {
					return usagef("--drift does not take --golden or --update")
				}
				return runDrift(cmd, args, targets, format)
			}
			if goldenDir == "" {
				return usagef("give the folder of golden files with --golden DIR, or --drift")
			}
			tgts, err := resolveTargets(targets, profileArg, sets)
			if err != nil {
				return err
			}
			errw := cmd.ErrOrStderr()
			if err := convert.CheckTargets(tgts); err != nil {
				fmt.Fprintln(errw, err)
				return exitError{exitFailed}
			}
			analytics, failed := loadAnalytics(cmd, args)
			if len(analytics) == 0 {
				// Nothing to compare (Load said why): no golden file is
				// read or, under --update, written or removed.
				return exitError{exitFailed}
			}
			entries, _ := convert.Convert(analytics, tgts, convert.Options{})
			out, diags := convert.Files(entries)
			for _, d := range diags {
				fmt.Fprintln(errw, d)
			}
			failed = failed || diags.HasErrors()
			var diffs []goldens.Diff
			if update {
				diffs, err = goldens.Update(goldenDir, out.Files, out.Paths)
			} else {
				diffs, err = goldens.Compare(goldenDir, out.Files, out.Paths)
			}
			if err != nil {
				fmt.Fprintf(errw, "cartrans: %v\n", err)
				return exitError{exitFailed}
			}
			goldens.Write(cmd.OutOrStdout(), diffs, goldens.Report{Checked: len(out.Files), Updated: update, Verbose: verbose, Incomplete: failed})
			if failed || len(diffs) > 0 && !update {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&goldenDir, "golden", "", "the folder of committed golden files")
	f.BoolVar(&update, "update", false, "rewrite the golden files to match")
	f.BoolVarP(&verbose, "verbose", "v", false, "with --update, print the diff of each file rewritten")
	f.BoolVar(&driftMode, "drift", false, "compare hand-written queries with the pseudocode instead")
	f.StringVar(&format, "format", "text", "--drift output: text (a table per analytic and backend, then a summary), json, or summary")
	f.StringVarP(&targets, "target", "t", "all", targetsHelp("targets: "))
	f.StringVar(&profileArg, "profile", "", "schema profile: the name of an embedded profile, a profile file, or all (default: each target's native profile)")
	f.StringArrayVar(&sets, "set", nil, "override a profile setting, as name=value (repeatable)")
	return cmd
}

// loadAnalytics reads the analytics of the arguments, printing the
// errors of those that do not read; failed says there were some.
func loadAnalytics(cmd *cobra.Command, args []string) (analytics []*analytic.Analytic, failed bool) {
	for _, r := range parser.Load(args, parser.Options{Stdin: cmd.InOrStdin()}) {
		for _, d := range r.Diags {
			if d.Severity == diag.Error {
				fmt.Fprintln(cmd.ErrOrStderr(), d)
				failed = true
			}
		}
		if r.Analytic != nil {
			analytics = append(analytics, r.Analytic)
		}
	}
	return analytics, failed
}

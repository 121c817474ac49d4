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
	var targets, profileArg, goldenDir string
	var sets []string
	var update bool
	cmd := &cobra.Command{
		Use:   "check PATH... --golden DIR",
		Short: "Compare the generated queries with committed golden files",
		Long: `check regenerates every query of the analytics, as convert --out writes
them (DIR/<target>-<profile>/<ID>.txt, a query a line), and compares them
with the files committed in DIR: a changed query, a missing file and a file
left for an analytic that no longer translates are each printed as a
unified diff, then a summary line. Exit status 1 on any difference, 0 when
DIR is up to date; --update rewrites DIR to match (exit 0).

This is the gate a repository's CI runs, the way gofmt -l gates Go code:
a change to an analytic, a profile or cartrans itself that changes a query
shows up in review as a diff of the golden files.`,
		Example: `  cartrans check analytics --golden queries
  cartrans check analytics --golden queries --update`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if goldenDir == "" {
				return usagef("give the folder of golden files with --golden DIR")
			}
			tgts, err := resolveTargets(targets, profileArg, sets)
			if err != nil {
				return err
			}
			var analytics []*analytic.Analytic
			failed := false
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
			entries, _ := convert.Convert(analytics, tgts, convert.Options{})
			files := convert.Files(entries)
			var diffs []goldens.Diff
			if update {
				diffs, err = goldens.Update(goldenDir, files)
			} else {
				diffs, err = goldens.Compare(goldenDir, files)
			}
			if err != nil {
				return err
			}
			goldens.Write(cmd.OutOrStdout(), diffs, len(files), update)
			if failed || len(diffs) > 0 && !update {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&goldenDir, "golden", "", "the folder of committed golden files")
	f.BoolVar(&update, "update", false, "rewrite the golden files to match")
	f.StringVarP(&targets, "target", "t", "all", "targets: splunk, eql, dnif, logpoint, comma-separated, or all")
	f.StringVar(&profileArg, "profile", "", "schema profile: the name of an embedded profile, a profile file, or all (default: each target's native profile)")
	f.StringArrayVar(&sets, "set", nil, "override a profile setting, as name=value (repeatable)")
	return cmd
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/render"
)

func newRenderCmd() *cobra.Command {
	var targets, profileArg, outDir string
	var sets []string
	var inPlace bool
	cmd := &cobra.Command{
		Use:   "render PATH... (--out DIR | --in-place)",
		Short: "Write analytic pages with the generated queries, and the site's index",
		Long: `render writes each analytic's markdown page in the CAR site format with the
queries cartrans generates, one implementation per target and profile,
placed after the pseudocode they come from and marked as generated
(<!-- cartrans:generated --> … <!-- cartrans:end -->). Everything else on
the page, hand-written implementations included, is kept byte for byte,
and rendering a rendered page gives the same page: generated
implementations are replaced, never added twice.

--out DIR writes the pages there (DIR/<file>.md), with the site's index
data: analytics.json (ID, title, ATT&CK techniques and tactics with
coverage, data model fields, how each target and profile translates it)
and index.md (a table); when no page renders, no index is written, since
an index of nothing would replace the site's. --in-place rewrites the
pages where they are. Pages come out the same on every run and machine.
Analytics in CAR's YAML form are written as pages too.

A page whose marks do not pair up is an error naming the line, and is left
as it is; so are two inputs that --out would write to one file. --in-place
replaces a page atomically, and not if it changed since it was read.`,
		Example: `  cartrans render ../shared/car/analytics --out site
  cartrans render analytics --in-place -t splunk`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (outDir == "") == !inPlace {
				return usagef("give one of --out DIR and --in-place")
			}
			tgts, err := resolveTargets(targets, profileArg, sets)
			if err != nil {
				return err
			}
			// The pipeline is render.Site's; the command prints what it
			// says, writing pages in place through rewrite (atomic, and
			// refused over an edit made since the read).
			rep, err := render.Site(args, render.SiteOptions{Targets: tgts, OutDir: outDir, InPlace: inPlace, Stdin: cmd.InOrStdin(), Replace: rewrite})
			errw := cmd.ErrOrStderr()
			for _, p := range rep.Problems {
				if render.IsWriteError(p) {
					fmt.Fprintf(errw, "cartrans: %v\n", p)
				} else {
					fmt.Fprintln(errw, p)
				}
			}
			switch {
			case err != nil:
				fmt.Fprintf(errw, "cartrans: %v\n", err)
				return exitError{exitFailed}
			case rep.Pages == 0:
				// Every input failed, and said why: an index of nothing
				// would replace the site's.
				msg := "rendered 0 pages"
				if !inPlace {
					msg += "; no index written"
				}
				fmt.Fprintln(errw, msg)
				return exitError{exitFailed}
			}
			fmt.Fprintf(errw, "rendered %d pages\n", rep.Written)
			if len(rep.Problems) > 0 {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&outDir, "out", "", "write the pages and the index under this folder")
	f.BoolVar(&inPlace, "in-place", false, "rewrite the markdown pages where they are")
	f.StringVarP(&targets, "target", "t", "all", targetsHelp("targets: "))
	f.StringVar(&profileArg, "profile", "all", "schema profile: the name of an embedded profile, a profile file, or all")
	f.StringArrayVar(&sets, "set", nil, "override a profile setting, as name=value (repeatable)")
	return cmd
}

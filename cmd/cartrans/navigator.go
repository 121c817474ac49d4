package main

import (
	"bytes"
	"fmt"
	"github.com/cartrans/cartrans/internal/version"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/render"
)

func newNavigatorCmd() *cobra.Command {
	var targets, profileArg, outFile string
	var sets []string
	cmd := &cobra.Command{
		Use:   "navigator PATH... [-t TARGETS] [--profile P] [--set k=v] [-o FILE]",
		Short: "Write an ATT&CK Navigator layer of the analytics' coverage",
		Long: `navigator writes an ATT&CK Navigator layer (layer format 4.5, Enterprise
ATT&CK) of the techniques the analytics detect: an entry per technique or
sub-technique and tactic, scored by the number of analytics that detect
it, its comment naming them (sorted) with their coverage levels. Load the
file in the Navigator (Open Existing Layer, Upload from local).

Without -t and --profile every analytic counts. With them only the
analytics that one of the targets translates, exactly or approximately
(the comment marks those), with the profile: each target's native one
unless --profile names one, a profile file, or all.

The layer goes to standard output, or to FILE with -o; it is the same on
every run. Exit status: 0 ok, 1 when some input or coverage entry had
errors (the layer is written without it), 2 on usage errors.`,
		Example: `  cartrans navigator ../shared/car/analytics -o car-layer.json
  cartrans navigator -t splunk ../shared/car/analytics -o car-splunk-layer.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			filter := targets != "" || profileArg != ""
			if !filter && len(sets) > 0 {
				return usagef("--set changes a target's profile: give -t or --profile with it")
			}
			var tgts []convert.Target
			if filter {
				names := targets
				if names == "" {
					names = "all"
				}
				var err error
				if tgts, err = resolveTargets(names, profileArg, sets); err != nil {
					return err
				}
			}
			errw := cmd.ErrOrStderr()
			as, failed := loadAnalytics(cmd, args)
			if len(as) == 0 {
				fmt.Fprintln(errw, "cartrans: no analytics read; no layer written")
				return exitError{exitFailed}
			}
			opt := render.NavigatorOptions{Translated: filter, Version: version.Read().Short()}
			var entries []convert.Entry
			if filter {
				entries, _ = convert.Convert(as, tgts, convert.Options{})
				for _, t := range tgts {
					opt.Targets = append(opt.Targets, t.Backend.Name()+" ("+t.Profile.Name+")")
				}
			}
			layer, diags := render.Navigator(as, entries, opt)
			diags.Sort()
			for _, d := range diags {
				fmt.Fprintln(errw, d)
			}
			failed = failed || diags.HasErrors()

			var buf bytes.Buffer
			if err := render.WriteLayer(&buf, layer); err != nil {
				return err
			}
			if outFile == "" || outFile == "-" {
				if _, err := cmd.OutOrStdout().Write(buf.Bytes()); err != nil {
					return err
				}
			} else if err := safefile.WriteFile(outFile, buf.Bytes(), 0o644); err != nil {
				// Atomic: a full disk or a kill leaves the old layer whole.
				fmt.Fprintf(errw, "cartrans: cannot write the layer: %v\n", err)
				return exitError{exitFailed}
			}
			ids, maxScore := map[string]bool{}, 0
			for _, t := range layer.Techniques {
				ids[t.TechniqueID] = true
				maxScore = max(maxScore, t.Score)
			}
			fmt.Fprintf(errw, "navigator: %d techniques and sub-techniques in %d technique-tactic entries, from %d of %d analytics; highest score %d\n",
				len(ids), len(layer.Techniques), layer.Counted, len(as), maxScore)
			if failed {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&targets, "target", "t", "", targetsHelp("count only analytics these targets translate: ")+" (default: every analytic counts)")
	f.StringVar(&profileArg, "profile", "", "schema profile for -t: the name of an embedded profile, a profile file, or all (default: each target's native profile)")
	f.StringArrayVar(&sets, "set", nil, "override a profile setting, as name=value (repeatable)")
	f.StringVarP(&outFile, "output", "o", "", "write the layer to this file (default: standard output)")
	return cmd
}

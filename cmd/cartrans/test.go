package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/analytictest"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/parser"
)

func newTestCmd() *cobra.Command {
	var junit, schemaArg string
	var regression []string
	var sigmaArgs sigmaFlags
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run analytics and Sigma rules on their true positives, sample events and regression data",
		Long: `test runs each analytic's pseudocode with the native engine on the events
that must make it fire, its true positives (the "True Positives" section of
its page) and the sample file <ID>.events.ndjson beside it, and on the
events that must not, <ID>.benign.ndjson (also .json, .xml, .evtx, and
.gz of each). A test whose analytic cannot run (pseudocode with errors, a
construct the engine refuses) is skipped, saying why.

Sigma rules are tested too: on their samples beside them, as analytics
are, and with --sigma-regression DIR on SigmaHQ's regression data: DIR
(or an info.yml) is walked for info.yml files, each naming rules by id
and tests with a match_count; each rule among the PATHs runs on the
test's .evtx file and, as a second test, on its JSON dump beside it
(same name, .json), and must match exactly match_count events. A test
whose rule is not among the PATHs, or cannot be lowered (the reason is
said), is skipped; an info.yml that does not read is an error at its
line. --sigma-map and --param are as in run.

Events are read with the schema run would choose (--schema forces one);
a sample none of whose events the analytic searches under it fails saying
which schema would.

Like go test: failures and skips are listed (-v lists passes too), then a
summary line; exit status 1 when a test fails, when the paths hold no
analytic, or when no test ran (all skipped, or none found). --junit FILE
writes JUnit XML for a CI service, whole or not at all.`,
		Example: `  cartrans test examples/analytics
  cartrans test --junit results.xml ../shared/car/analytics
  cartrans test ../shared/sigma/rules --sigma-regression ../shared/sigma/regression_data`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opt analytictest.Options
			s, err := findSchema(schemaArg)
			if err != nil {
				return err
			}
			opt.Schema = s
			if opt.Sigma, opt.Params, err = sigmaArgs.options(); err != nil {
				return err
			}
			start := time.Now()
			results := parser.Load(args, parser.Options{Stdin: cmd.InOrStdin()})
			var analytics []*analytic.Analytic
			var paths []string
			var readErrs diag.List
			isAnalytic := map[string]bool{}
			for _, r := range results {
				readErrs = append(readErrs, r.Diags...)
				if r.Analytic != nil {
					isAnalytic[r.Path] = true
					analytics = append(analytics, r.Analytic)
					paths = append(paths, r.Path)
				}
			}
			for _, d := range readErrs {
				// Errors, and what is said of a path that is not an
				// analytic (a folder holding none, a link not followed).
				if d.Severity == diag.Error || d.Severity == diag.Warning && !isAnalytic[d.Pos.File] {
					fmt.Fprintln(cmd.ErrOrStderr(), d)
				}
			}
			if len(analytics) == 0 {
				// parser.Load has said why there is none; a summary of no
				// tests would read as a run whose tests pass.
				return exitError{exitFailed}
			}
			rs := analytictest.Run(analytics, paths, opt)
			var regErrs diag.List
			if len(regression) > 0 {
				tests, diags := analytictest.LoadRegression(regression)
				regErrs = diags
				for _, d := range diags {
					fmt.Fprintln(cmd.ErrOrStderr(), d)
				}
				rs = append(rs, analytictest.RunRegression(analytics, tests, opt)...)
			}
			elapsed := time.Since(start)
			analytictest.WriteText(cmd.OutOrStdout(), rs, elapsed, verbose)
			if junit != "" {
				// Written whole or not at all: a CI service must not read
				// half a report.
				var buf bytes.Buffer
				err := analytictest.WriteJUnit(&buf, rs, elapsed)
				if err == nil {
					err = safefile.WriteFile(junit, buf.Bytes(), 0o644)
				}
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "--junit %s: %v\n", junit, err)
					return exitError{exitFailed}
				}
			}
			sum := analytictest.Summarise(rs)
			if sum.Pass+sum.Fail == 0 {
				// Every test skipped, or none found: nothing was
				// checked, which must not read as a pass.
				fmt.Fprintf(cmd.ErrOrStderr(), "no test ran: %s\n", nothingRan(sum))
				return exitError{exitFailed}
			}
			if sum.Fail > 0 || readErrs.Count(diag.Error) > 0 || regErrs.HasErrors() {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&junit, "junit", "", "also write the results as JUnit XML to this file")
	f.StringVar(&schemaArg, "schema", "", "read every event with this schema (sysmon, winlogbeat, mordor, car, or a schema file) instead of detecting it")
	completeSchemas(cmd)
	f.BoolVarP(&verbose, "verbose", "v", false, "list the tests that pass too")
	f.StringArrayVar(&regression, "sigma-regression", nil, "also run SigmaHQ's regression tests: a folder walked for info.yml files (regression_data), or an info.yml (repeatable)")
	sigmaArgs.register(f, paramHelpRun)
	return cmd
}

// nothingRan says why no test passed or failed.
func nothingRan(s analytictest.Summary) string {
	if s.Skip == 0 {
		return "the analytics have no true positives, samples or regression tests"
	}
	return fmt.Sprintf("all %d skipped", s.Skip)
}

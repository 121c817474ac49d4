package main

import (
	"github.com/cartrans/cartrans/docs"
	"github.com/cartrans/cartrans/internal/version"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/encode"
	"github.com/cartrans/cartrans/lint"
	"github.com/cartrans/cartrans/parser"
)

func newLintCmd() *cobra.Command {
	var format string
	var strict bool
	cmd := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Parse and check the pseudocode of analytics",
		Long: `lint parses and checks every pseudocode implementation of every analytic
against the language (docs/pseudocode.md) and the CAR data model, prints
each diagnostic with its source line, and a summary: analytics clean, with
warnings, with errors; diagnostics by code. One broken analytic never stops
the others from being checked.

--format text (default) writes diagnostics to standard error, as every
command does, and the summary to standard output; json writes the whole
report; sarif writes SARIF 2.1.0 for code scanning services, file paths
relative to the working directory (%SRCROOT%), each rule linked to its
section of docs/pseudocode.md. Exit status 1 on errors, and on warnings
with --strict.`,
		Example: `  cartrans lint examples/analytics
  cartrans lint --format sarif ../shared/car/analytics > car.sarif`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "sarif" {
				return usagef("--format must be text, json or sarif, not %q", format)
			}
			rep := lint.Lint(parser.Load(args, parser.Options{Stdin: cmd.InOrStdin()}))
			out := cmd.OutOrStdout()
			var err error
			switch format {
			case "text":
				rep.WriteDiagnostics(cmd.ErrOrStderr())
				rep.WriteSummary(out)
			case "json":
				rep.Version = version.Read().Short()
				err = encode.JSON(out, rep)
			case "sarif":
				err = diag.SARIF(out, rep.Diags, diag.SARIFTool{Version: version.Read().Short(), Rules: sarifRules(), Source: rep.Source})
			}
			if err != nil {
				return err
			}
			if rep.Failed(strict) {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json or sarif")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on warnings too")
	return cmd
}

// sarifRules describes every diagnostic code for SARIF, each linked to its
// section of the language specification.
func sarifRules() map[string]diag.Rule {
	rules := map[string]diag.Rule{}
	for code, short := range compiler.Codes {
		r := diag.Rule{Short: short}
		if s, ok := docs.CodeSection(code); ok {
			r.Full, r.HelpURI = s.Text, docs.PseudocodeURL+"#"+s.Anchor
		}
		rules[code] = r
	}
	return rules
}

package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/encode"
	"github.com/cartrans/cartrans/parser"
)

func newParseCmd() *cobra.Command {
	var format, stdinFormat string
	var strict bool
	cmd := &cobra.Command{
		Use:   "parse PATH...",
		Short: "Read analytics and print their model as JSON or YAML",
		Long: `parse reads CAR analytics (markdown pages or CAR's YAML source) and prints
the structured model of each, as a JSON array (default) or a YAML list.

PATH is a file, a directory (read recursively for *.md, *.yaml and *.yml)
or - for standard input, whose format is detected unless --stdin-format
names it.`,
		Example: `  cartrans parse examples/analytics
  cartrans parse --format yaml ../shared/car/analytics/CAR-2013-02-003.md
  cat analytic.yaml | cartrans parse -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := encoder(format)
			if err != nil {
				return err
			}
			opt := parser.Options{Stdin: cmd.InOrStdin()}
			switch stdinFormat {
			case "", "auto":
			case "md", "markdown":
				opt.StdinFormat = analytic.FormatMarkdown
			case "yaml", "yml":
				opt.StdinFormat = analytic.FormatYAML
			default:
				return usagef("--stdin-format must be auto, markdown or yaml, not %q", stdinFormat)
			}
			results := parser.Load(args, opt)
			analytics := make([]*analytic.Analytic, 0, len(results))
			for _, r := range results {
				if r.Analytic != nil {
					analytics = append(analytics, r.Analytic)
				}
			}
			if err := write(cmd.OutOrStdout(), analytics); err != nil {
				return err
			}
			return report(cmd.ErrOrStderr(), results, strict)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "json", "output format: json or yaml")
	cmd.Flags().StringVar(&stdinFormat, "stdin-format", "auto", "format of standard input: auto, markdown or yaml")
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors")
	return cmd
}

// encoder returns the writer for a --format value.
func encoder(format string) (func(io.Writer, any) error, error) {
	switch format {
	case "json":
		return encode.JSON, nil
	case "yaml", "yml":
		return encode.YAML, nil
	}
	return nil, usagef("--format must be json or yaml, not %q", format)
}

// report prints every diagnostic, in file and line order, and a summary
// line, and returns the exit status as an error (nil for success).
func report(w io.Writer, results []parser.Result, strict bool) error {
	var all diag.List
	files, read := 0, 0
	for _, r := range results {
		files++
		if r.Analytic != nil {
			read++
		}
		all = append(all, r.Diags...)
	}
	all.Sort()
	for _, d := range all {
		fmt.Fprintln(w, d)
	}
	errs, warns := all.Count(diag.Error), all.Count(diag.Warning)
	if errs > 0 || warns > 0 {
		fmt.Fprintf(w, "cartrans: %d of %d inputs read as analytics; %d errors, %d warnings\n", read, files, errs, warns)
	}
	if errs > 0 || (strict && warns > 0) {
		return exitError{exitFailed}
	}
	return nil
}

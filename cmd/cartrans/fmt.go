package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/format"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/lint"
	"github.com/cartrans/cartrans/parser"
)

func newFmtCmd() *cobra.Command {
	var write, diff, list, fix, summary bool
	cmd := &cobra.Command{
		Use:   "fmt PATH...",
		Short: "Rewrite pseudocode blocks in canonical form",
		Long: `fmt prints the pseudocode blocks of analytics in canonical form: one
statement per line, "==" for equality, straight double quotes, balanced
parentheses, consistent spacing, with the front end's certain repairs
applied. Only the pseudocode blocks change; every other byte of a file is
kept. Blocks with errors are left as they are and their errors printed.

Without flags it prints each file as it would be rewritten; -w writes the
files, -d prints unified diffs, -l lists the files that would change.

--fix makes only the checker's certain repairs instead (a misspelt field
or dataset name with exactly one candidate, a base-name field compared
with a full path), in the text as it is written, compiling again until
none is left; a suggestion with two candidates is never applied and stays
reported. With -d each hunk names the diagnostic it repairs; --summary
prints how many blocks compile before and after, and each repair made.
No other command repairs anything: review the diff, then write it.`,
		Example: `  cartrans fmt -d ../shared/car/analytics/CAR-2020-11-006.md
  cartrans fmt -w examples/analytics
  cartrans fmt --fix -d ../shared/car/analytics`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if summary && !fix {
				return usagef("--summary goes with --fix")
			}
			results := parser.Load(args, parser.Options{})
			if fix {
				return runFix(cmd, results, write, diff, list, summary)
			}
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			var all diag.List
			for _, r := range results {
				all = append(all, r.Diags...)
				if r.Analytic == nil || r.Path == "<stdin>" {
					continue
				}
				units := compiler.Compile([]*analytic.Analytic{r.Analytic})
				for _, u := range units {
					all = append(all, u.Diags...)
				}
				data := r.Data
				newData, blocks, diags := format.File(r.Path, data, units)
				all = append(all, diags...)
				switch {
				case list:
					if len(blocks) > 0 {
						fmt.Fprintln(out, r.Path)
					}
				case diff:
					if len(blocks) > 0 {
						ud := difflib.UnifiedDiff{A: difflib.SplitLines(string(data)), B: difflib.SplitLines(string(newData)),
							FromFile: r.Path + ".orig", ToFile: r.Path, Context: 3}
						text, _ := difflib.GetUnifiedDiffString(ud)
						if !strings.HasSuffix(text, "\n") {
							text += "\n\\ No newline at end of file\n"
						}
						fmt.Fprint(out, text)
					}
				case write:
					if len(blocks) > 0 {
						if err := rewrite(r.Path, data, newData); err != nil {
							all.Errorf(diag.Pos{File: r.Path}, "%v", err)
						}
					}
				default:
					_, _ = out.Write(newData)
				}
			}
			return finishFmt(errw, all)
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "write the result to the files")
	cmd.Flags().BoolVarP(&diff, "diff", "d", false, "print unified diffs")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list the files that would change")
	cmd.Flags().BoolVar(&fix, "fix", false, "make the certain repairs of the checker's diagnostics, nothing else")
	cmd.Flags().BoolVar(&summary, "summary", false, "with --fix: print blocks compiling before and after, and the repairs made")
	cmd.MarkFlagsMutuallyExclusive("write", "diff", "list", "summary")
	return cmd
}

// runFix is fmt --fix: every analytic's certain repairs (format.Repair),
// shown, written or counted.
func runFix(cmd *cobra.Command, results []parser.Result, write, diff, list, summary bool) error {
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	var all diag.List
	var repaired []parser.Result
	var applied []diag.Diagnostic
	for _, r := range results {
		if r.Analytic == nil || r.Path == "<stdin>" {
			all = append(all, r.Diags...)
			repaired = append(repaired, r)
			continue
		}
		fx := format.Repair(r.Path, r.Data)
		all = append(all, fx.ReadDiags...)
		all = append(all, fx.Diags...)
		repaired = append(repaired, parser.Result{Path: r.Path, Analytic: fx.Analytic, Diags: fx.ReadDiags, Data: fx.Data})
		applied = append(applied, fx.Applied...)
		switch {
		case summary:
		case list:
			if len(fx.Applied) > 0 {
				fmt.Fprintln(out, r.Path)
			}
		case diff:
			if err := format.WriteFixDiff(out, r.Path, r.Data, fx.Data, fx.Applied); err != nil {
				all.Errorf(diag.Pos{File: r.Path}, "%v", err)
			}
		case write:
			if len(fx.Applied) == 0 {
				continue
			}
			if err := rewrite(r.Path, r.Data, fx.Data); err != nil {
				all.Errorf(diag.Pos{File: r.Path}, "%v", err)
				continue
			}
			for _, d := range fx.Applied {
				fmt.Fprintf(out, "%s: repaired %s: %s → %s\n", d.Fix.Pos, d.Code, d.Fix.Old, d.Fix.New)
			}
		default:
			_, _ = out.Write(fx.Data)
		}
	}
	if summary {
		writeFixSummary(out, lint.Lint(results), lint.Lint(repaired), applied)
	}
	return finishFmt(errw, all)
}

// finishFmt prints fmt's diagnostics in order and fails on an error: the
// end of fmt with and without --fix.
func finishFmt(errw io.Writer, all diag.List) error {
	all.Sort()
	for _, d := range all {
		fmt.Fprintln(errw, d)
	}
	if all.HasErrors() {
		return exitError{exitFailed}
	}
	return nil
}

// writeFixSummary prints what --fix makes of a set of analytics: the
// blocks that compile before and after (lint's count, over the original
// and the repaired texts) and each distinct repair with how often it was
// made.
func writeFixSummary(w io.Writer, before, after *lint.Report, applied []diag.Diagnostic) {
	fmt.Fprintf(w, "%-32s %5d\n", "pseudocode blocks", before.Blocks)
	fmt.Fprintf(w, "  %-30s %5d\n", "compile before --fix", before.Compiled)
	fmt.Fprintf(w, "  %-30s %5d\n", "compile after --fix", after.Compiled)
	fmt.Fprintf(w, "  %-30s %5d\n", "with errors after --fix", after.Blocks-after.Compiled)
	counts := map[string]int{}
	for _, d := range applied {
		counts[fmt.Sprintf("%-5s %s → %s", d.Code, d.Fix.Old, d.Fix.New)]++
	}
	fmt.Fprintf(w, "%-32s %5d\n", "repairs made", len(applied))
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(w, "  %-44s %3d\n", k, counts[k])
	}
}

// rewrite replaces a file the command read (original) with data:
// atomically, keeping its mode, and refused if the file changed since it
// was read, so that a full disk, a kill or an editor's save never costs
// the file (safefile.Replace).
func rewrite(path string, original, data []byte) error {
	if beforeRewrite != nil {
		beforeRewrite(path)
	}
	return safefile.Replace(path, original, data)
}

// beforeRewrite, set by tests, runs between the read and the rewrite,
// where another program's write may fall.
var beforeRewrite func(path string)

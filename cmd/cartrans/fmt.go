package main

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/format"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/parser"
)

func newFmtCmd() *cobra.Command {
	var write, diff, list bool
	cmd := &cobra.Command{
		Use:   "fmt PATH...",
		Short: "Rewrite pseudocode blocks in canonical form",
		Long: `fmt prints the pseudocode blocks of analytics in canonical form: one
statement per line, "==" for equality, straight double quotes, balanced
parentheses, consistent spacing, with the front end's certain repairs
applied. Only the pseudocode blocks change; every other byte of a file is
kept. Blocks with errors are left as they are and their errors printed.

Without flags it prints each file as it would be rewritten; -w writes the
files, -d prints unified diffs, -l lists the files that would change.`,
		Example: `  cartrans fmt -d ../shared/car/analytics/CAR-2020-11-006.md
  cartrans fmt -w examples/analytics`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			results := parser.Load(args, parser.Options{})
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
			all.Sort()
			for _, d := range all {
				fmt.Fprintln(errw, d)
			}
			if all.HasErrors() {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "write the result to the files")
	cmd.Flags().BoolVarP(&diff, "diff", "d", false, "print unified diffs")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list the files that would change")
	cmd.MarkFlagsMutuallyExclusive("write", "diff", "list")
	return cmd
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

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/parser"
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
and index.md (a table). --in-place rewrites the pages where they are.
Pages come out the same on every run and machine. Analytics in CAR's YAML
form are written as pages too.`,
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
			type page struct {
				path string
				src  []byte
				a    *analytic.Analytic
				yaml bool
			}
			var pages []page
			failed := false
			for _, r := range parser.Load(args, parser.Options{Stdin: cmd.InOrStdin()}) {
				for _, d := range r.Diags {
					if d.Severity == diag.Error {
						fmt.Fprintln(cmd.ErrOrStderr(), d)
						failed = true
					}
				}
				if r.Analytic == nil {
					continue
				}
				p := page{path: r.Path, a: r.Analytic, yaml: r.Analytic.Format == analytic.FormatYAML}
				if p.yaml {
					if inPlace {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: a YAML analytic is not rewritten in place; render it with --out\n", r.Path)
						failed = true
						continue
					}
					p.src = render.FullPage(r.Analytic)
				} else {
					p.src = render.Strip(r.Data)
				}
				// Read the page as it stands without generated parts, so
				// that the positions are the ones the new parts go by
				// (a page that had none was read so by Load).
				if p.yaml || !bytes.Equal(p.src, r.Data) {
					a, _ := parser.ReadMarkdown(r.Path, p.src)
					if a == nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: the page without its generated implementations does not read as an analytic\n", r.Path)
						failed = true
						continue
					}
					p.a = a
				}
				pages = append(pages, p)
			}
			var as []*analytic.Analytic
			for _, p := range pages {
				as = append(as, p.a)
			}
			entries, _ := convert.Convert(as, tgts, convert.Options{})
			name := func(p page) string {
				base := filepath.Base(p.path)
				return strings.TrimSuffix(base, filepath.Ext(base)) + ".md"
			}
			names := map[*analytic.Analytic]string{}
			for _, p := range pages {
				out := render.Page(p.src, p.a, render.Generated(p.a, entries))
				dest := p.path
				if !inPlace {
					dest = filepath.Join(outDir, name(p))
					names[p.a] = name(p)
				}
				if err := writeIfChanged(dest, out); err != nil {
					return err
				}
			}
			if !inPlace {
				index := render.Index(as, entries, func(a *analytic.Analytic) string { return names[a] })
				var js, md bytes.Buffer
				if err := render.WriteJSON(&js, index); err != nil {
					return err
				}
				if err := render.WriteTable(&md, index); err != nil {
					return err
				}
				if err := writeIfChanged(filepath.Join(outDir, "analytics.json"), js.Bytes()); err != nil {
					return err
				}
				if err := writeIfChanged(filepath.Join(outDir, "index.md"), md.Bytes()); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "rendered %d pages\n", len(pages))
			if failed {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&outDir, "out", "", "write the pages and the index under this folder")
	f.BoolVar(&inPlace, "in-place", false, "rewrite the markdown pages where they are")
	f.StringVarP(&targets, "target", "t", "all", "targets: splunk, eql, dnif, logpoint, comma-separated, or all")
	f.StringVar(&profileArg, "profile", "all", "schema profile: the name of an embedded profile, a profile file, or all")
	f.StringArrayVar(&sets, "set", nil, "override a profile setting, as name=value (repeatable)")
	return cmd
}

// writeIfChanged writes a file unless it already holds the content, so
// that a rerun touches nothing.
func writeIfChanged(path string, content []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, content, 0o644)
}

package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/safefile"
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
			errw := cmd.ErrOrStderr()
			type page struct {
				path string
				data []byte // the file as read, for Replace
				src  []byte
				a    *analytic.Analytic
				yaml bool
				name string // under --out
			}
			var pages []page
			failed := false
			// Under --out each page is DIR/<its file's base name>.md: a
			// name checked like every name built from data, and one two
			// inputs must not share (compared without case, for the file
			// systems that ignore it). The index's files are taken.
			taken := map[string]string{"analytics.json": "the site's index", "index.md": "the site's index"}
			for _, r := range parser.Load(args, parser.Options{Stdin: cmd.InOrStdin()}) {
				for _, d := range r.Diags {
					if d.Severity == diag.Error {
						fmt.Fprintln(errw, d)
						failed = true
					}
				}
				if r.Analytic == nil {
					continue
				}
				p := page{path: r.Path, data: r.Data, a: r.Analytic, yaml: r.Analytic.Format == analytic.FormatYAML}
				if r.Analytic.Sigma != nil && inPlace {
					fmt.Fprintf(errw, "%s: a Sigma rule is not rewritten in place; render it with --out\n", r.Path)
					failed = true
					continue
				}
				if !inPlace {
					base := filepath.Base(p.path)
					p.name = strings.TrimSuffix(base, filepath.Ext(base)) + ".md"
					if other, ok := taken[strings.ToLower(p.name)]; ok && other == p.path && r.Analytic.Sigma != nil {
						// A further rule of the same Sigma file.
						p.name = strings.TrimSuffix(p.name, ".md") + "-" + r.Analytic.ID + ".md"
					}
					if err := safefile.CheckName("page name", p.name); err != nil {
						fmt.Fprintf(errw, "%s: %v; not written\n", p.path, err)
						failed = true
						continue
					}
					if other, ok := taken[strings.ToLower(p.name)]; ok {
						fmt.Fprintf(errw, "%s: would be written as %s, as %s is; not written\n", p.path, filepath.Join(outDir, p.name), other)
						failed = true
						continue
					}
					taken[strings.ToLower(p.name)] = p.path
				} else if r.Path == "<stdin>" {
					fmt.Fprintf(errw, "%s: standard input is not rewritten in place; render it with --out\n", r.Path)
					failed = true
					continue
				}
				if r.Analytic.Sigma != nil {
					// Written whole from the rule (render.SigmaPage).
					pages = append(pages, p)
					continue
				}
				if p.yaml {
					if inPlace {
						fmt.Fprintf(errw, "%s: a YAML analytic is not rewritten in place; render it with --out\n", r.Path)
						failed = true
						continue
					}
					p.src = render.FullPage(r.Analytic)
				} else {
					src, err := render.Strip(r.Path, r.Data)
					if err != nil {
						fmt.Fprintln(errw, err)
						failed = true
						continue
					}
					p.src = src
				}
				// Read the page as it stands without generated parts, so
				// that the positions are the ones the new parts go by
				// (a page that had none was read so by Load).
				if p.yaml || !bytes.Equal(p.src, r.Data) {
					a, _ := parser.ReadMarkdown(r.Path, p.src)
					if a == nil {
						fmt.Fprintf(errw, "%s: the page without its generated implementations does not read as an analytic\n", r.Path)
						failed = true
						continue
					}
					p.a = a
				}
				pages = append(pages, p)
			}
			if len(pages) == 0 {
				// Every input failed, and said why: an index of nothing
				// would replace the site's.
				msg := "rendered 0 pages"
				if !inPlace {
					msg += "; no index written"
				}
				fmt.Fprintln(errw, msg)
				return exitError{exitFailed}
			}
			var as []*analytic.Analytic
			for _, p := range pages {
				as = append(as, p.a)
			}
			entries, _ := convert.Convert(as, tgts, convert.Options{})
			var dir *safefile.Dir
			if !inPlace {
				if dir, err = safefile.OpenDir(outDir, true); err != nil {
					fmt.Fprintf(errw, "cartrans: %v\n", err)
					return exitError{exitFailed}
				}
				defer dir.Close()
			}
			names := map[*analytic.Analytic]string{}
			written := 0
			for _, p := range pages {
				var out []byte
				if p.a.Sigma != nil {
					out = render.SigmaPage(p.a, p.data, entries)
				} else {
					out = render.Page(p.src, p.a, render.Generated(p.a, entries))
				}
				var err error
				switch {
				case inPlace && !bytes.Equal(out, p.data):
					err = rewrite(p.path, p.data, out)
				case !inPlace:
					names[p.a] = p.name
					err = writeIfChanged(dir, p.name, out)
				}
				if err != nil {
					fmt.Fprintf(errw, "cartrans: %v\n", err)
					failed = true
					continue
				}
				written++
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
				for _, f := range []struct {
					name string
					data []byte
				}{{"analytics.json", js.Bytes()}, {"index.md", md.Bytes()}} {
					if err := writeIfChanged(dir, f.name, f.data); err != nil {
						fmt.Fprintf(errw, "cartrans: %v\n", err)
						return exitError{exitFailed}
					}
				}
			}
			fmt.Fprintf(errw, "rendered %d pages\n", written)
			if failed {
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

// writeIfChanged writes name in dir unless it already holds the content,
// so that a rerun touches nothing; the write is atomic and stays in dir.
func writeIfChanged(dir *safefile.Dir, name string, content []byte) error {
	if old, err := dir.ReadFile(name, int64(len(content)), "a rendered page", ""); err == nil && bytes.Equal(old, content) {
		return nil
	}
	return dir.WriteFile(name, content, 0o644)
}

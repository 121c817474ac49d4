package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/parser"
)

// SiteOptions says what Site renders and where it writes.
type SiteOptions struct {
	// Targets are the targets and profiles each page gets a generated
	// implementation of.
	Targets []convert.Target
	// OutDir is the folder the pages and the index are written in
	// (OutDir/<file>.md, analytics.json, index.md); with InPlace the
	// pages are rewritten where they are instead, and no index written.
	OutDir  string
	InPlace bool
	// Stdin is read for the path "-" (rendered only under OutDir).
	Stdin io.Reader
	// Replace rewrites a page in place: atomically, and not if the file
	// changed since it was read (original). Nil: safefile.Replace.
	Replace func(path string, original, data []byte) error
}

// SiteReport is what Site did.
type SiteReport struct {
	// Pages is the number of pages rendered; 0 when every input failed,
	// and then nothing is written: an index of nothing would replace the
	// site's.
	Pages int
	// Written counts the pages written, or already as rendered.
	Written int
	// Problems are the inputs and pages not rendered or not written, each
	// saying why (file:line first where there is one), in input order: a
	// reader's error, a page whose marks do not pair up, a name two
	// inputs would share, a page that could not be written (a
	// *WriteError).
	Problems []error
}

// WriteError is a page Site could not write.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// diagError is a reader's error, said as the diagnostic says it.
type diagError struct{ d diag.Diagnostic }

func (e diagError) Error() string { return e.d.String() }

// sitePage is one input to render.
type sitePage struct {
	path string
	data []byte // the file as read, for Replace
	src  []byte // the page without generated parts (a YAML analytic's, written)
	a    *analytic.Analytic
	name string // under OutDir
}

// Site renders the analytics and Sigma rules of paths (files, folders or
// "-", as parser.Load reads them): each CAR page as it is with the
// generated implementations of opt.Targets (Page), a YAML analytic as a
// page written whole (FullPage), a Sigma rule as its page (SigmaPage);
// under OutDir the site's index too (analytics.json and index.md, Index).
// The error is one that stops the whole render (the folder cannot be
// opened, the index cannot be written); a page that fails is a Problem,
// and the others are still written.
func Site(paths []string, opt SiteOptions) (SiteReport, error) {
	var rep SiteReport
	pages := readSite(paths, opt, &rep)
	rep.Pages = len(pages)
	if len(pages) == 0 {
		return rep, nil
	}
	var as []*analytic.Analytic
	for _, p := range pages {
		as = append(as, p.a)
	}
	entries, _ := convert.Convert(as, opt.Targets, convert.Options{})
	var dir *safefile.Dir
	if !opt.InPlace {
		var err error
		if dir, err = safefile.OpenDir(opt.OutDir, true); err != nil {
			return rep, err
		}
		defer dir.Close()
	}
	replace := opt.Replace
	if replace == nil {
		replace = safefile.Replace
	}
	names := map[*analytic.Analytic]string{}
	for _, p := range pages {
		var out []byte
		if p.a.Sigma != nil {
			out = SigmaPage(p.a, p.data, entries)
		} else {
			out = Page(p.src, p.a, Generated(p.a, entries))
		}
		var err error
		switch {
		case opt.InPlace && !bytes.Equal(out, p.data):
			err = replace(p.path, p.data, out)
		case !opt.InPlace:
			names[p.a] = p.name
			err = writeIfChanged(dir, p.name, out)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, &WriteError{err})
			continue
		}
		rep.Written++
	}
	if opt.InPlace {
		return rep, nil
	}
	index := Index(as, entries, func(a *analytic.Analytic) string { return names[a] })
	var js, md bytes.Buffer
	if err := WriteJSON(&js, index); err != nil {
		return rep, err
	}
	if err := WriteTable(&md, index); err != nil {
		return rep, err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"analytics.json", js.Bytes()}, {"index.md", md.Bytes()}} {
		if err := writeIfChanged(dir, f.name, f.data); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// readSite reads the inputs into the pages to render, adding a Problem
// for each input that cannot be.
func readSite(paths []string, opt SiteOptions, rep *SiteReport) []sitePage {
	problem := func(format string, args ...any) {
		rep.Problems = append(rep.Problems, fmt.Errorf(format, args...))
	}
	var pages []sitePage
	// Under OutDir each page is OutDir/<its file's base name>.md: a name
	// checked like every name built from data, and one two inputs must
	// not share (compared without case, for the file systems that ignore
	// it). The index's files are taken.
	taken := map[string]string{"analytics.json": "the site's index", "index.md": "the site's index"}
	for _, r := range parser.Load(paths, parser.Options{Stdin: opt.Stdin}) {
		for _, d := range r.Diags {
			if d.Severity == diag.Error {
				rep.Problems = append(rep.Problems, diagError{d})
			}
		}
		if r.Analytic == nil {
			continue
		}
		p := sitePage{path: r.Path, data: r.Data, a: r.Analytic}
		yaml := r.Analytic.Format == analytic.FormatYAML
		if r.Analytic.Sigma != nil && opt.InPlace {
			problem("%s: a Sigma rule is not rewritten in place; render it with --out", r.Path)
			continue
		}
		if !opt.InPlace {
			base := filepath.Base(p.path)
			p.name = strings.TrimSuffix(base, filepath.Ext(base)) + ".md"
			if other, ok := taken[strings.ToLower(p.name)]; ok && other == p.path && r.Analytic.Sigma != nil {
				// A further rule of the same Sigma file.
				p.name = strings.TrimSuffix(p.name, ".md") + "-" + r.Analytic.ID + ".md"
			}
			if err := safefile.CheckName("page name", p.name); err != nil {
				problem("%s: %v; not written", p.path, err)
				continue
			}
			if other, ok := taken[strings.ToLower(p.name)]; ok {
				problem("%s: would be written as %s, as %s is; not written", p.path, filepath.Join(opt.OutDir, p.name), other)
				continue
			}
			taken[strings.ToLower(p.name)] = p.path
		} else if r.Path == "<stdin>" {
			problem("%s: standard input is not rewritten in place; render it with --out", r.Path)
			continue
		}
		if r.Analytic.Sigma != nil {
			// Written whole from the rule (SigmaPage).
			pages = append(pages, p)
			continue
		}
		if yaml {
			if opt.InPlace {
				problem("%s: a YAML analytic is not rewritten in place; render it with --out", r.Path)
				continue
			}
			p.src = FullPage(r.Analytic)
		} else {
			src, err := Strip(r.Path, r.Data)
			if err != nil {
				rep.Problems = append(rep.Problems, err)
				continue
			}
			p.src = src
		}
		// Read the page as it stands without generated parts, so that
		// the positions are the ones the new parts go by (a page that
		// had none was read so by Load).
		if yaml || !bytes.Equal(p.src, r.Data) {
			a, _ := parser.ReadMarkdown(r.Path, p.src)
			if a == nil {
				problem("%s: the page without its generated implementations does not read as an analytic", r.Path)
				continue
			}
			p.a = a
		}
		pages = append(pages, p)
	}
	return pages
}

// writeIfChanged writes name in dir unless it already holds the content,
// so that a rerun touches nothing; the write is atomic and stays in dir.
func writeIfChanged(dir *safefile.Dir, name string, content []byte) error {
	if old, err := dir.ReadFile(name, int64(len(content)), "a rendered page", ""); err == nil && bytes.Equal(old, content) {
		return nil
	}
	return dir.WriteFile(name, content, 0o644)
}

// IsWriteError reports whether a Problem is a page not written.
func IsWriteError(err error) bool {
	var w *WriteError
	return errors.As(err, &w)
}

package parser

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/sigma"
)

// Result is what reading one input gave: the analytic (nil when the input
// is not one) and the diagnostics about it.
type Result struct {
	Path     string
	Analytic *analytic.Analytic
	Diags    diag.List
	// Data is the input as read (nil when it could not be), so that a
	// command quoting its lines or rewriting it need not read it again.
	Data []byte
	// more holds a Sigma file's further rules (one per YAML document),
	// which Load gives as results of their own.
	more []*analytic.Analytic
}

// Options tune Load.
type Options struct {
	// Stdin is read for the path "-".
	Stdin io.Reader
	// StdinFormat is the format of standard input; empty means detect it.
	StdinFormat analytic.Format
}

// FormatOf returns the format a file name implies, and false for files
// that are not analytics by name.
func FormatOf(path string) (analytic.Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return analytic.FormatMarkdown, true
	case ".yaml", ".yml":
		return analytic.FormatYAML, true
	}
	return "", false
}

// DetectFormat tells CAR's markdown from CAR's YAML by content: both may
// open with "---", but only a page closes its front matter with a second
// "---" and goes on with a body.
func DetectFormat(data []byte) analytic.Format {
	lines := bytes.Split(data, []byte("\n"))
	opened := false
	for _, l := range lines {
		t := bytes.TrimSpace(l)
		if !opened {
			if len(t) == 0 {
				continue
			}
			if string(t) != "---" {
				if bytes.HasPrefix(t, []byte("#")) || !bytes.Contains(t, []byte(":")) {
					return analytic.FormatMarkdown
				}
				return analytic.FormatYAML
			}
			opened = true
			continue
		}
		if string(t) == "---" {
			return analytic.FormatMarkdown
		}
	}
	return analytic.FormatYAML
}

// Read reads one analytic from data in the given format (for a Sigma
// file of several rules, the first: see ReadAnalytics).
func Read(path string, data []byte, format analytic.Format) (*analytic.Analytic, diag.List) {
	as, diags := ReadAnalytics(path, data, format)
	if len(as) == 0 {
		return nil, diags
	}
	return as[0], diags
}

// ReadAnalytics reads the analytics of data in the given format: one for
// CAR's markdown and YAML, one per document of a Sigma file. A YAML file
// is told a Sigma rule by its content (sigma.IsSigma).
func ReadAnalytics(path string, data []byte, format analytic.Format) ([]*analytic.Analytic, diag.List) {
	if format == "" {
		format = DetectFormat(data)
	}
	if format == analytic.FormatSigma || format == analytic.FormatYAML && sigma.IsSigma(data) {
		return readSigma(path, data)
	}
	var a *analytic.Analytic
	var diags diag.List
	if format == analytic.FormatYAML {
		a, diags = ReadYAML(path, data)
	} else {
		a, diags = ReadMarkdown(path, data)
	}
	if a == nil {
		return nil, diags
	}
	return []*analytic.Analytic{a}, diags
}

// readSigma reads a Sigma file's rules, each with the count of the
// reading errors inside its document.
func readSigma(path string, data []byte) ([]*analytic.Analytic, diag.List) {
	rules, diags := sigma.Parse(path, data)
	out := make([]*analytic.Analytic, 0, len(rules))
	for i, r := range rules {
		end := int(^uint(0) >> 1)
		if i+1 < len(rules) {
			end = rules[i+1].Pos.Line
		}
		errs := 0
		for _, d := range diags {
			// An error before the first rule's first key (a YAML
			// syntax error) counts against the first.
			if d.Severity == diag.Error && (d.Pos.Line < end && (d.Pos.Line >= r.Pos.Line || i == 0)) {
				errs++
			}
		}
		out = append(out, r.Analytic(errs))
	}
	return out, diags
}

// ReadFile reads one analytic file; its format is given by its extension,
// or detected from its content when the extension says nothing.
func ReadFile(path string) Result {
	res := Result{Path: path}
	data, err := readLimited(path)
	if err != nil {
		res.Diags.Errorf(diag.Pos{File: path, Line: lineOf(err)}, "%v", err)
		return res
	}
	format, _ := FormatOf(path)
	res.Data = data
	res.set(ReadAnalytics(path, data, format))
	return res
}

// set records what reading gave.
func (r *Result) set(as []*analytic.Analytic, diags diag.List) {
	r.Diags = diags
	if len(as) > 0 {
		r.Analytic, r.more = as[0], as[1:]
	}
}

// flatten gives each further rule of a Sigma file a result of its own,
// after the file's.
func flatten(results []Result) []Result {
	n := 0
	for _, r := range results {
		n += len(r.more)
	}
	if n == 0 {
		return results
	}
	out := make([]Result, 0, len(results)+n)
	for _, r := range results {
		more := r.more
		r.more = nil
		out = append(out, r)
		for _, a := range more {
			out = append(out, Result{Path: r.Path, Analytic: a, Data: r.Data})
		}
	}
	return out
}

// errTooLarge marks an input over MaxFileSize.
type errTooLarge struct{ msg string }

func (e errTooLarge) Error() string { return e.msg }

// lineOf places a read error: an oversized input is reported at its first
// line, since its content is the problem; a file that cannot be opened has
// no line.
func lineOf(err error) int {
	if _, ok := err.(errTooLarge); ok {
		return 1
	}
	return 0
}

// readLimited reads a whole file unless it is larger than MaxFileSize.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cleanPathError(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileSize {
		return nil, errTooLarge{fmt.Sprintf("file too large: %d bytes, and an analytic is at most %d (is this a CAR analytic?)", st.Size(), MaxFileSize)}
	}
	return readAllLimited(f)
}

func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, cleanPathError(err)
	}
	if len(data) > MaxFileSize {
		return nil, errTooLarge{fmt.Sprintf("input too large: more than %d bytes, and an analytic is at most that (is this a CAR analytic?)", MaxFileSize)}
	}
	return data, nil
}

// cleanPathError drops the operation from an *fs.PathError: the position
// already names the file.
func cleanPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Load reads every analytic the paths name: files (any file: a FIFO or
// /dev/stdin is read as a stream), directories (walked recursively for
// *.md, *.markdown, *.yaml and *.yml, hidden ones skipped, symbolic links
// inside reported and not followed) and "-" for standard input; a named
// symbolic link is followed. Results come in the order of the
// paths, directories in lexical order. An ID defined twice across the
// inputs is an error on every definition after the first.
//
// Paths that together hold no analytic are an error ("no analytics found
// in PATH", on each path not already in error), so that every command
// fails on a mistyped or empty folder rather than succeed at doing
// nothing; a folder holding none beside paths that do is only a warning.
// A command need not check for it: it fails on Load's errors.
func Load(paths []string, opt Options) []Result {
	// First the list of inputs, in order (a result already known, or a
	// file to read); then the files are read on every core.
	var results []Result
	var files []int             // indexes in results of the files still to read
	var starts []int            // index in results of each path's first result
	emptyDirs := map[int]bool{} // results of a folder holding no analytic file
	walked := map[int]bool{}    // results of files found walking a folder
	for _, p := range paths {
		starts = append(starts, len(results))
		if p == "-" {
			res := Result{Path: "<stdin>"}
			if opt.Stdin == nil {
				res.Diags.Errorf(diag.Pos{File: res.Path}, "no standard input")
			} else if data, err := readAllLimited(opt.Stdin); err != nil {
				res.Diags.Errorf(diag.Pos{File: res.Path, Line: lineOf(err)}, "%v", err)
			} else {
				res.Data = data
				res.set(ReadAnalytics(res.Path, data, opt.StdinFormat))
			}
			results = append(results, res)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			res := Result{Path: p}
			res.Diags.Errorf(diag.Pos{File: p}, "%v", cleanPathError(err))
			results = append(results, res)
			continue
		}
		if !st.IsDir() {
			files = append(files, len(results))
			results = append(results, Result{Path: p})
			continue
		}
		found, failed := 0, false
		pathDiag := func(path string, add func(*diag.List)) {
			res := Result{Path: path}
			add(&res.Diags)
			results = append(results, res)
		}
		// p is walked as named, a symbolic link followed; the links
		// inside are not (see safefile.Walker), and are reported.
		safefile.Walker{
			Want: func(path string) bool { _, ok := FormatOf(path); return ok },
			Visit: func(path string) {
				found++
				walked[len(results)] = true
				files = append(files, len(results))
				results = append(results, Result{Path: path})
			},
			Skipped: func(path, why string) {
				pathDiag(path, func(l *diag.List) { l.Warnf(diag.Pos{File: path}, "skipped: %s", why) })
			},
			Failed: func(path string, err error) {
				failed = failed || path == p
				pathDiag(path, func(l *diag.List) { l.Errorf(diag.Pos{File: path}, "%v", err) })
			},
		}.Walk(p)
		if found == 0 && !failed {
			emptyDirs[len(results)] = true
			results = append(results, Result{Path: p})
		}
	}
	par.Each(len(files), func(i int) {
		r := &results[files[i]]
		*r = ReadFile(r.Path)
	})
	// A page without front matter in a folder walked (a README beside
	// the analytics or rules) is not an analytic: it is skipped with a
	// warning. Named on the command line, it stays an error.
	for _, i := range files {
		r := &results[i]
		if walked[i] && r.Analytic == nil && len(r.Diags) == 1 && r.Diags[0].Severity == diag.Error && r.Diags[0].Message == msgNoFrontMatter {
			r.Diags = nil
			r.Diags.Warnf(diag.Pos{File: r.Path}, "skipped: not an analytic (a page without front matter)")
		}
	}
	checkDuplicates(results)
	none := true
	for _, r := range results {
		none = none && r.Analytic == nil
	}
	for i, p := range paths {
		end := len(results)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		first := &results[starts[i]]
		hasErrors := false
		for _, r := range results[starts[i]:end] {
			hasErrors = hasErrors || r.Diags.HasErrors()
		}
		const noFiles = "no *.md, *.markdown, *.yaml or *.yml files in the directory"
		switch {
		case none && !hasErrors:
			// An error already says why nothing was read.
			pos, msg := diag.Pos{File: p}, "no analytics found in "+p
			if p == "-" {
				pos.File, msg = "<stdin>", "no analytics found in standard input"
			}
			if emptyDirs[starts[i]] {
				msg += ": " + noFiles
			}
			first.Diags.Errorf(pos, "%s", msg)
		case emptyDirs[starts[i]]:
			first.Diags.Warnf(diag.Pos{File: p}, "%s", noFiles)
		}
	}
	return flatten(results)
}

// ReadAll reads analytics already in memory, on every core: the reading
// Load does, without the file system.
func ReadAll(paths []string, data [][]byte) []Result {
	results := make([]Result, len(paths))
	par.Each(len(paths), func(i int) {
		format, _ := FormatOf(paths[i])
		results[i] = Result{Path: paths[i], Data: data[i]}
		results[i].set(ReadAnalytics(paths[i], data[i], format))
	})
	checkDuplicates(results)
	return flatten(results)
}

// checkDuplicates reports an analytic ID defined more than once.
func checkDuplicates(results []Result) {
	first := map[string]diag.Pos{}
	for i := range results {
		for _, a := range append([]*analytic.Analytic{results[i].Analytic}, results[i].more...) {
			if a == nil || a.ID == "" {
				continue
			}
			if p, dup := first[a.ID]; dup {
				results[i].Diags.Errorf(a.Pos, "duplicate analytic ID %s: already defined at %s", a.ID, p)
				if a.Sigma != nil {
					a.Sigma.Errors++
				}
				continue
			}
			first[a.ID] = a.Pos
		}
	}
}

// Package goldens compares generated queries with the golden files a
// repository commits, the way a CI job gates a change: one file per
// analytic, target and profile, in the layout `cartrans convert --out`
// writes (<target>-<profile>/<ID>.txt, a query a line). A file whose
// content changed, one missing, and one left over for an analytic that no
// longer translates (stale) are each a difference. Only the names the
// conversion would write are read, written or removed.
package goldens

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/cartrans/cartrans/internal/safefile"
)

// Kind is how a golden file differs.
type Kind string

const (
	Changed Kind = "changed"
	Missing Kind = "missing"
	Stale   Kind = "stale"
)

// Diff is one difference: a file's path under the golden folder, how it
// differs, and a unified diff of it.
type Diff struct {
	Path    string
	Kind    Kind
	Unified string
}

// Limit bounds the golden file read; one holds the queries of one
// analytic, a few KiB.
const Limit = 16 << 20

// Compare compares the files a conversion would write (path → content)
// with those under dir. paths are every name the conversion may write
// (convert.Output.Paths): a stale file is one of those that exists but is
// not written now (its analytic no longer translates for that target).
// The folder is never walked, so a file cartrans would not write is
// never a difference, and so never removed. Every read goes through
// safefile.Dir: a symlink leading out of dir is an error, never followed.
func Compare(dir string, files map[string]string, paths []string) ([]Diff, error) {
	d, err := safefile.OpenDir(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		// No folder yet: every file is missing.
		var diffs []Diff
		for _, rel := range slices.Sorted(maps.Keys(files)) {
			diffs = append(diffs, Diff{Path: rel, Kind: Missing, Unified: unified("/dev/null", rel, "", files[rel])})
		}
		return diffs, nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return compare(d, files, paths)
}

func compare(d *safefile.Dir, files map[string]string, paths []string) ([]Diff, error) {
	read := func(rel string) (string, bool, error) {
		got, err := d.ReadFile(rel, Limit, "a golden file", "it holds one analytic's queries; remove it and run check --update")
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return "", false, nil
		case err != nil:
			return "", false, err
		}
		return string(got), true, nil
	}
	var diffs []Diff
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		want := files[rel]
		got, ok, err := read(rel)
		switch {
		case err != nil:
			return nil, err
		case !ok:
			diffs = append(diffs, Diff{Path: rel, Kind: Missing, Unified: unified("/dev/null", rel, "", want)})
		case got != want:
			diffs = append(diffs, Diff{Path: rel, Kind: Changed, Unified: unified(rel, rel, got, want)})
		}
	}
	for _, rel := range paths {
		if _, ok := files[rel]; ok {
			continue
		}
		got, ok, err := read(rel)
		if err != nil {
			return nil, err
		}
		if ok {
			diffs = append(diffs, Diff{Path: rel, Kind: Stale, Unified: unified(rel, "/dev/null", got, "")})
		}
	}
	return diffs, nil
}

// Update makes dir hold exactly the files among paths: it writes the
// changed and missing ones (atomically, replacing a symlink rather than
// writing through it) and removes the stale ones, all inside dir.
func Update(dir string, files map[string]string, paths []string) ([]Diff, error) {
	d, err := safefile.OpenDir(dir, true)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	diffs, err := compare(d, files, paths)
	if err != nil {
		return nil, err
	}
	for _, df := range diffs {
		if df.Kind == Stale {
			err = d.Remove(df.Path)
		} else {
			err = d.WriteFile(df.Path, []byte(files[df.Path]), 0o644)
		}
		if err != nil {
			return nil, err
		}
	}
	return diffs, nil
}

func unified(from, to, a, b string) string {
	text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: lines(a), B: lines(b), FromFile: from, ToFile: to, Context: 2,
	})
	return text
}

// lines splits a file into its lines as diff(1) counts them: difflib's
// SplitLines adds an empty line after the final newline, which showed a
// one-line file as two (@@ -1 +1,2 @@). A last line without a newline
// carries diff's marker, so that it differs from the same line with one.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		return ls[:len(ls)-1]
	}
	ls[len(ls)-1] += "\n\\ No newline at end of file\n"
	return ls
}

// Report is what Write says besides the differences.
type Report struct {
	Checked int  // golden files compared
	Updated bool // the differences were written (check --update)
	// Verbose prints each difference's diff under Updated too; without
	// Updated the diffs are the report and always printed.
	Verbose bool
	// Incomplete says some analytics could not be checked (their errors
	// are printed already): nothing is then called up to date.
	Incomplete bool
}

// Write writes the differences, each as a unified diff (a missing or
// stale file as a whole), then one summary line. After an update the
// summary is the report (a first update writes every file) and the diffs
// are printed only if Verbose.
func Write(w io.Writer, diffs []Diff, r Report) {
	for _, d := range diffs {
		if !r.Updated || r.Verbose {
			fmt.Fprintf(w, "%s: %s\n%s", d.Kind, d.Path, d.Unified)
		}
	}
	counts := map[Kind]int{}
	for _, d := range diffs {
		counts[d.Kind]++
	}
	checked, updated := r.Checked, r.Updated
	switch {
	case len(diffs) == 0 && r.Incomplete:
		fmt.Fprintf(w, "FAIL\t%d golden files up to date, but not every analytic was checked (see the errors)\n", checked)
	case len(diffs) == 0:
		fmt.Fprintf(w, "ok\t%d golden files up to date\n", checked)
	case updated:
		fmt.Fprintf(w, "updated\t%d golden files: %d changed, %d written, %d removed\n", len(diffs), counts[Changed], counts[Missing], counts[Stale])
	default:
		fmt.Fprintf(w, "FAIL\t%d of %d golden files differ: %d changed, %d missing, %d stale\n", len(diffs), checked+counts[Stale], counts[Changed], counts[Missing], counts[Stale])
	}
}

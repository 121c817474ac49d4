// Package goldens compares generated queries with the golden files a
// repository commits, the way a CI job gates a change: one file per
// analytic, target and profile, in the layout `cartrans convert --out`
// writes (<target>-<profile>/<ID>.txt, a query a line). A file whose
// content changed, one missing, and one left over for an analytic that no
// longer translates (stale) are each a difference.
package goldens

import (
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
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

// Compare compares the files a conversion would write (path → content)
// with those under dir. Stale files are looked for in the folders the
// conversion writes to only, so that a repository may keep other files
// beside them.
func Compare(dir string, files map[string]string) ([]Diff, error) {
	var diffs []Diff
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		want := files[rel]
		got, err := os.ReadFile(filepath.Join(dir, rel))
		switch {
		case os.IsNotExist(err):
			diffs = append(diffs, Diff{Path: rel, Kind: Missing, Unified: unified("/dev/null", rel, "", want)})
		case err != nil:
			return nil, err
		case string(got) != want:
			diffs = append(diffs, Diff{Path: rel, Kind: Changed, Unified: unified(rel, rel, string(got), want)})
		}
	}
	stale, err := staleFiles(dir, files)
	if err != nil {
		return nil, err
	}
	for _, rel := range stale {
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, Diff{Path: rel, Kind: Stale, Unified: unified(rel, "/dev/null", string(got), "")})
	}
	return diffs, nil
}

// Update makes dir hold exactly the files: it writes the changed and
// missing ones and removes the stale ones.
func Update(dir string, files map[string]string) ([]Diff, error) {
	diffs, err := Compare(dir, files)
	if err != nil {
		return nil, err
	}
	for _, d := range diffs {
		p := filepath.Join(dir, d.Path)
		if d.Kind == Stale {
			if err := os.Remove(p); err != nil {
				return nil, err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(files[d.Path]), 0o644); err != nil {
			return nil, err
		}
	}
	return diffs, nil
}

// staleFiles are the .txt files in the conversion's folders it does not
// write.
func staleFiles(dir string, files map[string]string) ([]string, error) {
	folders := map[string]bool{}
	for rel := range files {
		folders[filepath.Dir(rel)] = true
	}
	var stale []string
	for _, folder := range slices.Sorted(maps.Keys(folders)) {
		err := filepath.WalkDir(filepath.Join(dir, folder), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".txt") {
				return nil
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			if _, ok := files[rel]; !ok {
				stale = append(stale, rel)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return stale, nil
}

func unified(from, to, a, b string) string {
	text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b), FromFile: from, ToFile: to, Context: 2,
	})
	return text
}

// Write writes the differences: each unified diff (a missing or stale
// file as a whole), then one summary line.
func Write(w io.Writer, diffs []Diff, checked int, updated bool) {
	for _, d := range diffs {
		fmt.Fprintf(w, "%s: %s\n%s", d.Kind, d.Path, d.Unified)
	}
	counts := map[Kind]int{}
	for _, d := range diffs {
		counts[d.Kind]++
	}
	switch {
	case len(diffs) == 0:
		fmt.Fprintf(w, "ok\t%d golden files up to date\n", checked)
	case updated:
		fmt.Fprintf(w, "updated\t%d golden files: %d changed, %d written, %d removed\n", len(diffs), counts[Changed], counts[Missing], counts[Stale])
	default:
		fmt.Fprintf(w, "FAIL\t%d of %d golden files differ: %d changed, %d missing, %d stale\n", len(diffs), checked+counts[Stale], counts[Changed], counts[Missing], counts[Stale])
	}
}

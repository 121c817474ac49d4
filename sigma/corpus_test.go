package sigma

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/internal/testcorpus"
)

var corpus struct {
	once  sync.Once
	paths []string
	data  [][]byte
	err   error
}

// corpusRules lists the .yml files under the Sigma corpus's rules/,
// sorted, and reads them, once for all the tests that use them.
func corpusRules(t testing.TB) (paths []string, data [][]byte) {
	t.Helper()
	root := filepath.Join(testcorpus.SigmaDir(t), "rules")
	corpus.once.Do(func() { corpus.paths, corpus.data, corpus.err = loadCorpus(root) })
	if corpus.err != nil {
		t.Fatal(corpus.err)
	}
	return corpus.paths, corpus.data
}

func loadCorpus(root string) (paths []string, data [][]byte, err error) {
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yml") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("no .yml rules under %s", root)
	}
	sort.Strings(paths)
	data = make([][]byte, len(paths))
	for i, p := range paths {
		if data[i], err = os.ReadFile(p); err != nil {
			return nil, nil, err
		}
	}
	return paths, data, nil
}

// parseAll reads every file on every core.
func parseAll(paths []string, data [][]byte) ([][]*Rule, []diag.List) {
	rules := make([][]*Rule, len(paths))
	diags := make([]diag.List, len(paths))
	par.Each(len(paths), func(i int) {
		rules[i], diags[i] = Parse(paths[i], data[i])
	})
	return rules, diags
}

// TestCorpus reads every SigmaHQ rule: none may panic, and every one must
// read without an error. It logs how often each modifier is used and
// each warning code.
func TestCorpus(t *testing.T) {
	paths, data := corpusRules(t)
	rules, diags := parseAll(paths, data)
	clean, total := 0, 0
	mods := map[string]int{}
	warns := map[string]int{}
	for i := range paths {
		total += len(rules[i])
		if !diags[i].HasErrors() {
			clean += len(rules[i])
		}
		for _, d := range diags[i] {
			if d.Severity == diag.Error {
				t.Errorf("%s", d)
			} else {
				warns[d.Code]++
			}
		}
		src := newSrc(paths[i], data[i], nil)
		for _, r := range rules[i] {
			if r.Detection == nil {
				continue
			}
			// Every identifier's position points at its name in the file:
			// the condition's offsets map back through the YAML scalar.
			for _, c := range r.Detection.Conditions {
				checkIdentPositions(t, src, c)
			}
			for _, s := range r.Detection.Searches {
				for _, g := range s.Groups {
					for _, it := range g.Items {
						for _, m := range it.Modifiers {
							mods[m.Written]++
						}
					}
				}
			}
		}
	}
	t.Logf("%d files, %d rules, %d read without errors", len(paths), total, clean)
	t.Logf("modifier usage: %v", mods)
	t.Logf("warnings by code: %v", warns)
	if total != len(paths) {
		t.Errorf("%d rules from %d files: each SigmaHQ file holds one rule", total, len(paths))
	}
}

func checkIdentPositions(t *testing.T, src *src, c Cond) {
	t.Helper()
	switch c := c.(type) {
	case *And:
		for _, a := range c.Args {
			checkIdentPositions(t, src, a)
		}
	case *Or:
		for _, a := range c.Args {
			checkIdentPositions(t, src, a)
		}
	case *Not:
		checkIdentPositions(t, src, c.X)
	case *Ident:
		at := func(p diag.Pos) int { return src.lines[p.Line-1] + p.Col - 1 }
		if got := string(src.data[at(c.From):at(c.To)]); got != c.Name {
			t.Errorf("%s: identifier %q, but the file has %q there", c.From, c.Name, got)
		}
	case *OfPattern:
		at := func(p diag.Pos) int { return src.lines[p.Line-1] + p.Col - 1 }
		if got := string(src.data[at(c.From):at(c.To)]); !strings.HasSuffix(got, c.Pattern) {
			t.Errorf("%s: pattern %q, but the file has %q there", c.From, c.Pattern, got)
		}
	}
}

package convert_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

func corpus(tb testing.TB) []*analytic.Analytic {
	tb.Helper()
	root, files := testcorpus.Analytics(tb)
	var out []*analytic.Analytic
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			tb.Fatal(err)
		}
		a, _ := parser.Read(rel, data, analytic.FormatMarkdown)
		out = append(out, a)
	}
	return out
}

// TestCorpusGolden translates every corpus analytic with every backend and
// profile; each result (queries, fidelity, reason) is a golden file, so a
// review of a change shows what it does to every query.
func TestCorpusGolden(t *testing.T) {
	analytics := corpus(t)
	for _, b := range all.Backends() {
		for _, p := range b.Profiles() {
			entries, _ := convert.Convert(analytics, []convert.Target{{Backend: b, Profile: p}}, convert.Options{})
			g := golden.New(t, filepath.Join("convert", b.Name()+"-"+p.Name))
			seen := map[string]int{}
			for _, e := range entries {
				seen[e.ID]++
				name := e.ID
				if n := seen[e.ID]; n > 1 {
					name = fmt.Sprintf("%s-%d", e.ID, n)
				}
				var buf bytes.Buffer
				fmt.Fprintf(&buf, "# %s (%s) %s\n", e.Target, e.Profile, e.Fidelity)
				if e.Reason != "" {
					fmt.Fprintf(&buf, "# %s\n", e.Reason)
				}
				for _, q := range e.Queries {
					fmt.Fprintf(&buf, "# output %s\n%s\n", q.Output, q.Query)
					for _, a := range q.Approximations {
						fmt.Fprintf(&buf, "# approximate: %s: %s\n", a.Pos, a.Text)
					}
				}
				g.Assert(t, name+".txt", buf.Bytes())
			}
		}
	}
}

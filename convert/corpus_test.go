package convert_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// corpus reads the corpus's analytic pages under corpus-relative names.
func corpus(tb testing.TB) []*analytic.Analytic {
	tb.Helper()
	names, texts := testcorpus.Pages(tb)
	return readAll(names, texts)
}

func readAll(names []string, texts [][]byte) []*analytic.Analytic {
	var out []*analytic.Analytic
	for _, r := range parser.ReadAll(names, texts) {
		out = append(out, r.Analytic)
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

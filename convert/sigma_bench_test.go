package convert_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/gcpolicy"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// sigmaRules reads the bytes of every .yml file under the Sigma corpus's
// rules/, under corpus-relative names, sorted.
func sigmaRules(tb testing.TB) (names []string, data [][]byte) {
	tb.Helper()
	root := testcorpus.SigmaDir(tb)
	err := filepath.WalkDir(filepath.Join(root, "rules"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yml") {
			rel, _ := filepath.Rel(root, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(names) == 0 {
		tb.Fatalf("no .yml rules under %s", filepath.Join(root, "rules"))
	}
	sort.Strings(names)
	data = make([][]byte, len(names))
	for i, n := range names {
		if data[i], err = os.ReadFile(filepath.Join(root, filepath.FromSlash(n))); err != nil {
			tb.Fatal(err)
		}
	}
	return names, data
}

// BenchmarkSigmaCorpus is `cartrans convert` over SigmaHQ's rules/ but
// file I/O: read every rule (the bytes held in memory) by content into
// analytics and translate them to splunk, eql, dnif and logpoint, each
// with its default profile, with the collector set as the command sets
// it. rules/s counts rules read and translated (to all four targets) per
// second.
func BenchmarkSigmaCorpus(b *testing.B) {
	names, data := sigmaRules(b)
	// The four backends issue 13's target names (all.Backends may hold
	// more), so that figures stay comparable.
	var targets []convert.Target
	for _, name := range []string{"splunk", "eql", "dnif", "logpoint"} {
		be, ok := all.Find(name)
		if !ok {
			b.Fatalf("no backend %s", name)
		}
		targets = append(targets, convert.Target{Backend: be, Profile: be.Profiles()[0]})
	}
	defer gcpolicy.Batch()()
	rules, entries := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		var analytics []*analytic.Analytic
		for _, r := range parser.ReadAll(names, data) {
			if r.Analytic != nil {
				analytics = append(analytics, r.Analytic)
			}
		}
		es, _ := convert.Convert(analytics, targets, convert.Options{})
		rules, entries = len(analytics), len(es)
	}
	if entries != rules*len(targets) {
		b.Fatalf("%d entries for %d rules and %d targets", entries, rules, len(targets))
	}
	b.ReportMetric(float64(rules)*float64(b.N)/b.Elapsed().Seconds(), "rules/s")
}

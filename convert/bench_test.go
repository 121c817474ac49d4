package convert_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// BenchmarkConvertCorpus compiles the 90 corpus analytics (already read)
// and translates them to every backend with its default profile.
func BenchmarkConvertCorpus(b *testing.B) {
	analytics := corpus(b)
	var targets []convert.Target
	for _, be := range all.Backends() {
		targets = append(targets, convert.Target{Backend: be, Profile: be.Profiles()[0]})
	}
	b.ReportAllocs()
	for b.Loop() {
		convert.Convert(analytics, targets, convert.Options{})
	}
}

// BenchmarkReadConvertCorpus is the whole job but file I/O: read the 90
// corpus pages (held in memory), compile them, translate to every backend.
func BenchmarkReadConvertCorpus(b *testing.B) {
	root, files := testcorpus.Analytics(b)
	var texts [][]byte
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, data)
	}
	var targets []convert.Target
	for _, be := range all.Backends() {
		targets = append(targets, convert.Target{Backend: be, Profile: be.Profiles()[0]})
	}
	b.ReportAllocs()
	for b.Loop() {
		var analytics []*analytic.Analytic
		for i, data := range texts {
			a, _ := parser.Read(files[i], data, analytic.FormatMarkdown)
			analytics = append(analytics, a)
		}
		convert.Convert(analytics, targets, convert.Options{})
	}
}

package convert_test

import (
	"testing"

	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/testcorpus"
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
	names, texts := testcorpus.Pages(b)
	var targets []convert.Target
	for _, be := range all.Backends() {
		targets = append(targets, convert.Target{Backend: be, Profile: be.Profiles()[0]})
	}
	b.ReportAllocs()
	for b.Loop() {
		convert.Convert(readAll(names, texts), targets, convert.Options{})
	}
}

package convert_test

import (
	"fmt"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/gcpolicy"
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
// corpus pages (held in memory), compile them, translate to every backend,
// with the collector set as the command sets it (internal/gcpolicy).
func BenchmarkReadConvertCorpus(b *testing.B) {
	defer gcpolicy.Batch()()
	benchReadConvert(b)
}

// BenchmarkReadConvertCorpusDefaultGC is the same with Go's default
// collector setting, for comparison.
func BenchmarkReadConvertCorpusDefaultGC(b *testing.B) {
	benchReadConvert(b)
}

func benchReadConvert(b *testing.B) {
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

// BenchmarkReadConvertScaling is the job over the corpus repeated 1, 2
// and 4 times (as other files), to show the cost is linear in the number
// of analytics.
func BenchmarkReadConvertScaling(b *testing.B) {
	defer gcpolicy.Batch()()
	names, texts := testcorpus.Pages(b)
	var targets []convert.Target
	for _, be := range all.Backends() {
		targets = append(targets, convert.Target{Backend: be, Profile: be.Profiles()[0]})
	}
	for _, copies := range []int{1, 2, 4} {
		var ns []string
		var ts [][]byte
		for c := range copies {
			for i := range names {
				ns = append(ns, fmt.Sprintf("copy%d/%s", c, names[i]))
				ts = append(ts, texts[i])
			}
		}
		b.Run(fmt.Sprintf("analytics=%d", len(ns)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				convert.Convert(readAll(ns, ts), targets, convert.Options{})
			}
		})
	}
}

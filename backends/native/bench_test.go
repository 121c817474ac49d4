package native_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/gcpolicy"
	"github.com/cartrans/cartrans/internal/sysmongen"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/parser"
)

// benchFile is 64 MB of synthetic Sysmon NDJSON, 1% of whose events name
// a process analytics look for (internal/sysmongen), in a file: the
// benchmarks stream it as the command streams its input (from the page
// cache), rather than hold it in the heap, which would count against the
// command's memory limit.
var benchFile = sync.OnceValues(func() (string, error) {
	f, err := os.CreateTemp("", "cartrans-bench-*.ndjson")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := sysmongen.WriteTo(f, 64<<20); err != nil {
		return "", err
	}
	return f.Name(), f.Close()
})

// corpusPrograms are the shared corpus's analytics that lower, for the
// native engine.
func corpusPrograms(tb testing.TB) []native.Program {
	names, texts := testcorpus.Pages(tb)
	var as []*analytic.Analytic
	for _, r := range parser.ReadAll(names, texts) {
		if r.Analytic != nil {
			as = append(as, r.Analytic)
		}
	}
	units := compiler.Compile(as)
	resolve := convert.Resolver(units)
	var progs []native.Program
	for _, u := range units {
		if !u.OK() {
			continue
		}
		qs, err := ir.LowerRuns(u.Program, u.Info, resolve)
		if err != nil {
			continue
		}
		for i := range qs {
			qs[i].Name = fmt.Sprintf("%s#%d", qs[i].Name, u.Impl)
		}
		progs = append(progs, native.Program{ID: u.Analytic.ID, Queries: qs})
	}
	return progs
}

// runCounts runs programs over data and counts matches per output.
func runCounts(tb testing.TB, progs []native.Program, data io.Reader, opt native.Options) (map[string]int, native.Counts) {
	counts := map[string]int{}
	e, err := native.New(progs, opt, func(m native.Match) { counts[m.Analytic+" "+m.Output]++ })
	if err != nil {
		tb.Fatal(err)
	}
	c, err := e.Run(data, "bench", events.NDJSON, func(b events.Bad) { tb.Fatalf("bad event: %v", b) })
	if err != nil {
		tb.Fatal(err)
	}
	e.Close()
	return counts, c
}

// benchRun runs with the collector set as the command sets it
// (internal/gcpolicy).
func benchRun(b *testing.B, progs []native.Program, opt native.Options) {
	defer gcpolicy.Stream()()
	name, err := benchFile()
	if err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		runCounts(b, progs, f, opt)
		f.Close()
	}
}

// BenchmarkFilter is (a): one filter analytic, "cmd.exe launched by
// services.exe", over Sysmon NDJSON.
func BenchmarkFilter(b *testing.B) {
	benchRun(b, []native.Program{program(b, proc+`exe == "cmd.exe" and parent_exe == "services.exe"`+"\noutput x")}, native.Options{})
}

// BenchmarkFilterNoPrefilter is (a) decoding every line, to show what the
// prefilter gives.
func BenchmarkFilterNoPrefilter(b *testing.B) {
	benchRun(b, []native.Program{program(b, proc+`exe == "cmd.exe" and parent_exe == "services.exe"`+"\noutput x")}, native.Options{NoPrefilter: true})
}

// BenchmarkCorpus is (b): every analytic of the shared corpus that lowers,
// in one pass.
func BenchmarkCorpus(b *testing.B) {
	benchRun(b, corpusPrograms(b), native.Options{})
}

// BenchmarkJoin is (c): a process joined with its parent within a minute.
func BenchmarkJoin(b *testing.B) {
	benchRun(b, []native.Program{program(b, "a = search Process:Create where exe == \"cmd.exe\"\nb = search Process:Create where parent_exe == \"cmd.exe\"\n"+
		"j = join (a, b) where a.hostname == b.hostname and a.pid == b.ppid and a.time < b.time < a.time + 1 minute\noutput j")}, native.Options{})
}

// TestPrefilterAgrees: with the prefilter, the whole corpus finds exactly
// what it finds decoding every line.
func TestPrefilterAgrees(t *testing.T) {
	progs := corpusPrograms(t)
	data := sysmongen.Write(4 << 20)
	with, _ := runCounts(t, progs, bytes.NewReader(data), native.Options{})
	without, _ := runCounts(t, progs, bytes.NewReader(data), native.Options{NoPrefilter: true})
	if fmt.Sprint(with) != fmt.Sprint(without) {
		t.Errorf("prefilter changes matches:\n with %v\nwithout %v", with, without)
	}
	if len(without) == 0 {
		t.Error("the data holds nothing the corpus finds")
	}
}

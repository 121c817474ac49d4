package evtx_test

import (
	"bytes"
	"testing"

	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/events/evtx"
	"github.com/cartrans/cartrans/internal/gcpolicy"
)

// BenchmarkReadEvents reads a 10 MiB file of Sysmon-like records as run
// reads it, as events (package events): the records' fields as a map
// and the dump's JSON as the event's text, under the command's collector
// policy; records/s, MB/s.
func BenchmarkReadEvents(b *testing.B) {
	defer gcpolicy.Stream()()
	data := evtx.SysmonFile(160)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	rd := events.Reader{
		Event: func(events.Event) error { n++; return nil },
		Bad:   func(bad events.Bad) { b.Fatal(bad) },
	}
	for b.Loop() {
		if err := rd.ReadEVTX(bytes.NewReader(data), int64(len(data)), "bench.evtx"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

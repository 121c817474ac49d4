package evtx

import (
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/cartrans/cartrans/internal/gcpolicy"
)

// repeated is a large EVTX file that is not held in memory: a header and
// the same chunk n times, served by ReadAt, so that what a read of it
// costs in memory is the reader's alone.
type repeated struct {
	header, chunk []byte
	n             int
}

func newRepeated(n int) *repeated {
	c, _ := sysmonChunk(1)
	return &repeated{fileHeader(n, 0, 0), c, n}
}

func (f *repeated) size() int64 { return fileHeaderSize + int64(f.n)*chunkSize }

func (f *repeated) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < f.size() {
		var src []byte
		if off < fileHeaderSize {
			src = f.header[off:]
		} else {
			src = f.chunk[(off-fileHeaderSize)%chunkSize:]
		}
		k := copy(p[n:], src)
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// read reads the whole file, calling each with every record; it returns
// the number of records.
func (f *repeated) read(tb testing.TB, workers int, each func(Record)) int {
	r, err := NewReader(f, f.size(), "bench.evtx")
	if err != nil {
		tb.Fatal(err)
	}
	r.Workers = workers
	n := 0
	err = r.Records(func(rec Record) error {
		if rec.Err != nil {
			return rec.Err
		}
		n++
		if each != nil {
			each(rec)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// BenchmarkRecords reads a 40 MiB file of Sysmon-like records (flat
// fields of each), with one worker and with one per CPU, under Go's
// default collector and under the one the command sets
// (internal/gcpolicy: records are garbage soon, and collecting a small
// heap often is most of the cost of decoding in parallel): records/s,
// records per processor-second, MB/s.
func BenchmarkRecords(b *testing.B) {
	f := newRepeated(640)
	for _, gc := range []string{"default", "cli"} {
		for _, workers := range []int{1, 0} {
			name := fmt.Sprintf("gc=%s/workers=%d", gc, workers)
			if workers == 0 {
				name = fmt.Sprintf("gc=%s/workers=GOMAXPROCS(%d)", gc, runtime.GOMAXPROCS(0))
			}
			b.Run(name, func(b *testing.B) {
				if gc == "cli" {
					defer gcpolicy.Stream()()
				}
				b.SetBytes(f.size())
				b.ReportAllocs()
				records := 0
				cpu := cpuTime()
				for b.Loop() {
					records += f.read(b, workers, nil)
				}
				b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
				if used := cpuTime() - cpu; used > 0 {
					b.ReportMetric(float64(records)/used, "records/cpu-s")
				}
			})
		}
	}
}

// peakHeap reads f and returns the largest heap seen while reading.
func peakHeap(t *testing.T, f *repeated) uint64 {
	runtime.GC()
	var peak uint64
	var ms runtime.MemStats
	n := 0
	f.read(t, 2, func(Record) {
		if n++; n%64 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	})
	return peak
}

// Memory does not grow with the file: reading a file ten times larger
// does not take ten times the memory (chunks are read one at a time and a
// bounded number are in flight).
func TestMemoryFlat(t *testing.T) {
	small := peakHeap(t, newRepeated(16))
	large := peakHeap(t, newRepeated(160))
	t.Logf("peak heap: %d KiB for 1 MiB, %d KiB for 10 MiB (%d records a chunk)", small>>10, large>>10, newRepeated(1).read(t, 1, nil))
	if large > 3*small {
		t.Errorf("peak heap %d KiB reading 10 MiB, %d KiB reading 1 MiB: memory grows with the file", large>>10, small>>10)
	}
}

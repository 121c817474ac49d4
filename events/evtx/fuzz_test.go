package evtx

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// Fuzz inputs are small, so that the fuzzer's mutations and minimization
// work on the bytes that matter: the first byte chooses what the rest is
// (fuzzKind) and how many workers read it. The fuzzer itself uses one
// worker: goroutines make coverage vary from run to run, which makes it
// take most inputs for new and spend its time minimizing them; the seeds
// run with two, and the tests read every damage with both.
const (
	fuzzRecord   = 0 // the binary XML of the first record of a chunk
	fuzzChunk    = 1 // a chunk (padded), its checksums made right
	fuzzRawChunk = 2 // a chunk as it is (checksums usually wrong: the recovery path)
	fuzzFile     = 3 // a whole file
	fuzzKind     = 3
	fuzzWorkers  = 4 // read with two workers
)

// fuzzInput turns a fuzz input into a file.
func fuzzInput(data []byte) (evtx []byte, workers int) {
	if len(data) == 0 {
		return nil, 1
	}
	mode, body := data[0], data[1:]
	workers = 1
	if mode&fuzzWorkers != 0 {
		workers = 2
	}
	switch mode & fuzzKind {
	case fuzzFile:
		return body, workers
	case fuzzRecord:
		c := newChunk()
		c.record(1, 0, func() { c.buf = append(c.buf, body...) })
		return file(c.bytes()), workers
	}
	chunk := append([]byte(nil), body...)
	if mode&fuzzKind == fuzzChunk && len(chunk) >= chunkHeaderSize {
		free := min(int(le.Uint32(chunk[48:])), len(chunk))
		if free >= chunkHeaderSize {
			le.PutUint32(chunk[52:], crcOf(chunk[chunkHeaderSize:free]))
		}
		fixChunkCRC(chunk)
	}
	return append(fileHeader(1, 0, 0), chunk...), workers
}

// firstRecord is the binary XML of a chunk's first record: it holds the
// definitions of the templates it uses at their offsets in the chunk, so
// it reads the same in the chunk fuzzInput builds.
func firstRecord(chunk []byte) []byte {
	size := int(le.Uint32(chunk[chunkHeaderSize+4:]))
	return chunk[chunkHeaderSize+recordHeader : chunkHeaderSize+size-4]
}

// used is a chunk without its unused tail.
func used(chunk []byte) []byte {
	return chunk[:min(int(le.Uint32(chunk[48:]))+64, len(chunk))]
}

// No input makes the reader panic, hang or use unbounded memory; every
// record read renders, and its dump written directly is its Dump's.
func FuzzReadEVTX(f *testing.F) {
	// Synthetic seeds: every token kind, substitutions, a chunk, a file.
	for _, build := range []func(c *chunkBuilder){tokensRecord, substitutionsRecord} {
		c := newChunk()
		build(c)
		f.Add(append([]byte{fuzzRecord}, firstRecord(c.bytes())...))
	}
	c := newChunk()
	tokensRecord(c)
	f.Add(append([]byte{fuzzChunk}, used(c.bytes())...))
	f.Add(append([]byte{fuzzFile | fuzzWorkers}, file(used(c.bytes()))...))
	// Records of real files, when the corpus is here (not required: the
	// fuzz target also runs as a test with the seeds alone).
	if _, ok := testcorpus.FindSigma(); ok {
		files := testcorpus.SigmaEVTX(f)
		for _, i := range []int{0, len(files) / 3, 2 * len(files) / 3, len(files) - 1} {
			data, err := os.ReadFile(files[i])
			if err != nil {
				f.Fatal(err)
			}
			if len(data) >= fileHeaderSize+chunkHeaderSize+recordHeader {
				f.Add(append([]byte{fuzzRecord}, firstRecord(data[fileHeaderSize:])...))
			}
		}
	}
	fuzzing := false // in the fuzzer's worker, not running the seeds as a test
	if fl := flag.Lookup("test.fuzzworker"); fl != nil {
		fuzzing = fl.Value.String() == "true"
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, workers := fuzzInput(data)
		if fuzzing {
			workers = 1
		}
		r, err := NewReader(bytes.NewReader(file), int64(len(file)), "fuzz")
		if err != nil {
			return
		}
		r.Workers = workers
		err = r.Records(func(rec Record) error {
			if rec.Err != nil {
				return nil
			}
			dump, err := json.Marshal(rec.Dump())
			if err != nil {
				t.Errorf("record %d: %v", rec.ID, err)
			}
			// The direct writer writes the same JSON (json.Marshal
			// escapes & < >, which it keeps).
			var direct bytes.Buffer
			json.HTMLEscape(&direct, rec.AppendDumpJSON(nil))
			if !bytes.Equal(direct.Bytes(), dump) {
				t.Errorf("record %d: AppendDumpJSON\n%s\nDump\n%s", rec.ID, direct.Bytes(), dump)
			}
			rec.XML()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

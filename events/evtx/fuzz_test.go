package evtx

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// Fuzz input modes (the first byte): the rest is a whole file, or a chunk
// put behind a valid file header, its checksums made right or left as
// they are (so that mutations reach both the checked-header path and the
// recovery path instead of stopping at a checksum).
const (
	fuzzFixCRC  = 1
	fuzzWorkers = 2
	fuzzFile    = 4
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
	if mode&fuzzFile != 0 {
		return body, workers
	}
	chunk := append([]byte(nil), body...)
	if mode&fuzzFixCRC != 0 && len(chunk) >= chunkHeaderSize {
		free := min(int(le.Uint32(chunk[48:])), len(chunk))
		if free >= chunkHeaderSize {
			le.PutUint32(chunk[52:], crcOf(chunk[chunkHeaderSize:free]))
		}
		fixChunkCRC(chunk)
	}
	return append(fileHeader(1, 0, 0), chunk...), workers
}

// seedChunk makes a fuzz seed of a chunk, without its unused tail.
func seedChunk(chunk []byte) []byte {
	free := min(int(le.Uint32(chunk[48:]))+64, len(chunk))
	return append([]byte{fuzzFixCRC}, chunk[:free]...)
}

// No input makes the reader panic, hang or use unbounded memory; every
// record read renders.
func FuzzReadEVTX(f *testing.F) {
	// Synthetic seeds: every token and the limits' shapes.
	for _, build := range []func(c *chunkBuilder){
		func(c *chunkBuilder) { sysmonRecord(c, 1); sysmonRecord(c, 2) },
		tokensRecord,
		substitutionsRecord,
	} {
		c := newChunk()
		build(c)
		f.Add(seedChunk(c.bytes()))
	}
	// Real files, when the corpus is here (not required: the fuzz target
	// also runs as a test with the seeds alone).
	if _, ok := testcorpus.FindSigma(); ok {
		files := testcorpus.SigmaEVTX(f)
		for _, i := range []int{0, len(files) / 2, len(files) - 1} {
			data, err := os.ReadFile(files[i])
			if err != nil {
				f.Fatal(err)
			}
			if len(data) < fileHeaderSize+chunkHeaderSize {
				continue
			}
			seed := seedChunk(data[fileHeaderSize:])
			f.Add(seed)
			// The whole file, without the unused tail of its chunk.
			f.Add(append([]byte{fuzzFile | fuzzWorkers}, data[:fileHeaderSize+len(seed)-1]...))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, workers := fuzzInput(data)
		r, err := NewReader(bytes.NewReader(file), int64(len(file)), "fuzz")
		if err != nil {
			return
		}
		r.Workers = workers
		err = r.Records(func(rec Record) error {
			if rec.Err != nil {
				return nil
			}
			if _, err := json.Marshal(rec.Dump()); err != nil {
				t.Errorf("record %d: %v", rec.ID, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

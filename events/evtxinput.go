package events

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/cartrans/cartrans/events/evtx"
	"github.com/cartrans/cartrans/internal/safefile"
)

// evtxMagic starts every EVTX file (its file header's signature), and
// chunkMagic every chunk, the first at offset 4096.
var (
	evtxMagic  = []byte("ElfFile\x00")
	chunkMagic = []byte("ElfChnk\x00")
)

// isEVTX tells EVTX from the start of an input: its signature, or, the
// header's being damaged, a chunk where the first one lies (the reader
// reads the chunks of a file whose header is gone).
func isEVTX(head []byte) bool {
	return bytes.HasPrefix(head, evtxMagic) || len(head) >= 4096+8 && bytes.Equal(head[4096:4096+8], chunkMagic)
}

// MaxEVTXCopy bounds the temporary copy an EVTX input that is not a file
// is read from (see EVTXSource): a file header and the most chunks its
// 16-bit count can name, 4 GiB, the most Windows writes.
const MaxEVTXCopy = 4096 + 0xffff*65536

// EVTXSource gives random access to an EVTX input that Open detected, r
// being what was given to Open and br what Open returned. EVTX is read by
// offset (its chunks are decoded in parallel, the oldest first wherever
// it lies), so it cannot be read as a stream: a regular file holding the
// EVTX data itself is read where it lies, nothing copied; any other input
// (a gzip-compressed .evtx, standard input, a pipe) is first copied, as
// br gives it, into a temporary file that closeFn removes, at most
// MaxEVTXCopy bytes.
func EVTXSource(r io.Reader, br *bufio.Reader, file string) (ra io.ReaderAt, size int64, closeFn func(), err error) {
	if f, ok := r.(interface {
		io.ReaderAt
		Stat() (fs.FileInfo, error)
	}); ok {
		st, err := f.Stat()
		head := make([]byte, 4096+8)
		if err == nil && st.Mode().IsRegular() {
			if n, _ := f.ReadAt(head, 0); isEVTX(head[:n]) { // not gzip-compressed
				return f, st.Size(), func() {}, nil
			}
		}
	}
	tmp, err := os.CreateTemp("", "cartrans-*.evtx")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: an EVTX input that is not a file is read from a temporary copy: %v", file, err)
	}
	closeFn = func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, io.LimitReader(br, MaxEVTXCopy+1))
	switch {
	case err != nil:
		closeFn()
		var ge *GzipError
		if errors.As(err, &ge) {
			return nil, 0, nil, fmt.Errorf("%s: %w", file, ge)
		}
		return nil, 0, nil, fmt.Errorf("%s: copying the EVTX input to a temporary file (it is read by offset): %w", file, err)
	case n > MaxEVTXCopy:
		closeFn()
		return nil, 0, nil, fmt.Errorf("%s: EVTX input larger than %s, the most an EVTX file can be (its header counts 65535 chunks of 64 KiB at most), not read", file, safefile.Size(MaxEVTXCopy))
	}
	return tmp, n, closeFn, nil
}

// ReadEVTX reads an EVTX file's records as events, in record order: the
// flat fields the XML reader gives for the same event (evtx.Record.Fields),
// the event as EVTX dump tools write it in JSON for Raw (evtx.Record.Dump),
// no line. A damaged part (the file header, a chunk, a record) goes to
// Bad with its chunk and offset, and reading goes on.
func (rd Reader) ReadEVTX(ra io.ReaderAt, size int64, file string) error {
	r, err := evtx.NewReader(ra, size, file)
	if err != nil {
		return err
	}
	rawSize := 0 // the last event's: records of a log are much alike
	return r.Records(func(rec evtx.Record) error {
		if rec.Err != nil {
			rd.bad(EVTXBad(rec.Err))
			return nil
		}
		ev := Event{Fields: rec.Map(), Raw: rec.AppendDumpJSON(make([]byte, 0, rawSize+rawSize/4)), File: rec.File}
		rawSize = len(ev.Raw)
		return rd.Event(ev)
	})
}

// EVTXBad reports a damaged part of an EVTX file: there are no lines, so
// the reason says where (Line 0 leaves the line out).
func EVTXBad(e *evtx.Error) Bad {
	where := "file header"
	if e.Chunk >= 0 {
		where = fmt.Sprintf("chunk %d, offset 0x%x", e.Chunk, e.Offset)
	}
	return Bad{File: e.File, Reason: where + ": " + e.Reason}
}

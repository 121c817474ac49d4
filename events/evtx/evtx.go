package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Layout of the file ([MS-EVEN6] and libyal's EVTX document): a 4 KiB file
// header, then 64 KiB chunks, each a 512-byte header (with the string and
// template offset tables) followed by event records.
const (
	fileHeaderSize  = 4096
	chunkSize       = 65536
	chunkHeaderSize = 512
	recordHeader    = 24 // signature, size, identifier, written time
)

var (
	fileMagic   = []byte("ElfFile\x00")
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte{0x2a, 0x2a, 0x00, 0x00}
)

// Error is a damaged part of a file: the file header (Chunk -1), a chunk,
// or a record, with the file offset where it lies.
type Error struct {
	File   string
	Chunk  int   // chunk index in the file; -1 for the file header
	Offset int64 // file offset of the damaged part
	Reason string
}

func (e *Error) Error() string {
	if e.Chunk < 0 {
		return fmt.Sprintf("%s: file header: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("%s: chunk %d, offset 0x%x: %s", e.File, e.Chunk, e.Offset, e.Reason)
}

// Header is what the file header says. It is advisory: chunks are found
// by their position and checked on their own.
type Header struct {
	FirstChunk, LastChunk uint64 // oldest and newest chunk
	NextRecordID          uint64
	MajorVersion          uint16
	MinorVersion          uint16
	Chunks                uint16
	Dirty                 bool // not closed cleanly: chunks may be newer than the header says
	Full                  bool
}

// Record is one event record, or (Err set) a damaged record or chunk that
// was skipped.
type Record struct {
	File   string
	Chunk  int   // chunk index in the file
	Offset int64 // file offset of the record
	ID     uint64
	Time   time.Time // when the record was written
	// Fields are the event's flat fields in document order, named as the
	// Windows event XML reader names them (EventID, Channel,
	// TimeCreated.SystemTime, Provider.Name, EventData's values by name).
	// The records of a chunk share the memory their fields and values
	// are in (a few allocations a record): a caller that keeps a few
	// records of many keeps more than their size.
	Fields []Field
	Err    *Error
	event  piece // the root element with its values
}

// Map returns the fields as a map (a later field of a name wins, as in
// the XML reader).
func (r Record) Map() map[string]string {
	m := make(map[string]string, len(r.Fields))
	for _, f := range r.Fields {
		m[f.Name] = f.Value
	}
	return m
}

// Dump returns the event as EVTX dump tools write it in JSON, e.g.
// {"Event": {"#attributes": {...}, "System": {...}, "EventData": {...}}};
// nil for a damaged record.
func (r Record) Dump() Object {
	if r.event.n == nil {
		return nil
	}
	return Object{{r.event.n.name, dump(r.event)}}
}

// Reader reads the records of an EVTX file.
type Reader struct {
	// Workers is how many chunks are decoded at once (0: one per CPU).
	// At most twice as many decoded chunks wait to be delivered, so memory
	// does not grow with the file.
	Workers int
	Header  Header

	r         io.ReaderAt
	size      int64
	name      string
	closer    io.Closer
	headerErr *Error
	chunks    int
}

// Open opens an EVTX file; Close releases it.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := NewReader(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// Close closes the file Open opened.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

// NewReader reads an EVTX file of the given size from r, named name in
// errors. It fails only when the data is not EVTX at all (neither a file
// header nor a first chunk); a damaged header is reported as the first
// record of Records and the chunks are read regardless.
func NewReader(r io.ReaderAt, size int64, name string) (*Reader, error) {
	rd := &Reader{r: r, size: size, name: name}
	hdr := make([]byte, 128)
	if n, err := r.ReadAt(hdr, 0); n < len(hdr) {
		if err == nil || err == io.EOF {
			return nil, fmt.Errorf("%s: not an EVTX file: %d bytes, shorter than the file header", name, size)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if size > fileHeaderSize {
		rd.chunks = int((size - fileHeaderSize + chunkSize - 1) / chunkSize)
	}
	le := binary.LittleEndian
	if !bytes.Equal(hdr[:8], fileMagic) {
		first := make([]byte, 8)
		if n, _ := r.ReadAt(first, fileHeaderSize); n < 8 || !bytes.Equal(first, chunkMagic) {
			return nil, fmt.Errorf("%s: not an EVTX file (no ElfFile signature, and no chunk after the header)", name)
		}
		rd.headerErr = &Error{name, -1, 0, "no ElfFile signature: the header is ignored and the chunks read"}
		return rd, nil
	}
	if got, want := crc32.ChecksumIEEE(hdr[:120]), le.Uint32(hdr[124:]); got != want {
		rd.headerErr = &Error{name, -1, 0, fmt.Sprintf("header checksum 0x%08x, expected 0x%08x: the header is ignored and the chunks read", got, want)}
		return rd, nil
	}
	flags := le.Uint32(hdr[120:])
	rd.Header = Header{
		FirstChunk:   le.Uint64(hdr[8:]),
		LastChunk:    le.Uint64(hdr[16:]),
		NextRecordID: le.Uint64(hdr[24:]),
		MinorVersion: le.Uint16(hdr[36:]),
		MajorVersion: le.Uint16(hdr[38:]),
		Chunks:       le.Uint16(hdr[42:]),
		Dirty:        flags&1 != 0,
		Full:         flags&2 != 0,
	}
	return rd, nil
}

// order returns the file position of the i-th chunk to read: from the
// oldest chunk the header names, wrapping around (a full log overwrites
// its oldest chunks, so the oldest may lie anywhere). Every chunk in the
// file is read, whatever the header's count, since a dirty file's header
// may lag behind its chunks.
func (r *Reader) order(i int) int {
	start := 0
	if r.headerErr == nil && r.Header.FirstChunk < uint64(r.chunks) {
		start = int(r.Header.FirstChunk)
	}
	return (start + i) % r.chunks
}

// Records calls fn with every record in order, and with each damaged part
// (Err set) where it lies; it stops at the first error fn returns and
// returns it. Chunks are decoded on Workers goroutines while fn runs.
func (r *Reader) Records(fn func(Record) error) error {
	if r.headerErr != nil {
		if err := fn(Record{File: r.name, Chunk: -1, Err: r.headerErr}); err != nil {
			return err
		}
	}
	if r.chunks == 0 {
		return nil
	}
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, r.chunks)
	if workers == 1 {
		buf := make([]byte, chunkSize)
		for i := range r.chunks {
			for _, rec := range r.chunk(r.order(i), buf) {
				if err := fn(rec); err != nil {
					return err
				}
			}
		}
		return nil
	}

	type job struct {
		slot int
		out  chan []Record
	}
	jobs := make(chan job)
	pending := make(chan chan []Record, 2*workers) // results, in order
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		defer close(pending)
		for i := range r.chunks {
			out := make(chan []Record, 1)
			select {
			case pending <- out:
			case <-done:
				return
			}
			select {
			case jobs <- job{r.order(i), out}:
			case <-done:
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			buf := make([]byte, chunkSize)
			for j := range jobs {
				j.out <- r.chunk(j.slot, buf)
			}
		})
	}
	var ferr error
	for out := range pending {
		for _, rec := range <-out {
			if ferr = fn(rec); ferr != nil {
				break
			}
		}
		if ferr != nil {
			break
		}
	}
	close(done)
	wg.Wait()
	return ferr
}

// chunk decodes the chunk at slot, reading it into buf.
func (r *Reader) chunk(slot int, buf []byte) []Record {
	base := fileHeaderSize + int64(slot)*chunkSize
	n, err := r.r.ReadAt(buf, base)
	if n < len(buf) && err != nil && !errors.Is(err, io.EOF) {
		return []Record{r.bad(slot, base, "cannot read: "+err.Error())}
	}
	b := buf[:n]
	var out []Record
	if n < chunkSize {
		out = append(out, r.bad(slot, base, fmt.Sprintf("truncated chunk: %d of %d bytes; its whole records are read", n, chunkSize)))
	}
	le := binary.LittleEndian
	headerOK := false
	if len(b) < 8 || !bytes.Equal(b[:8], chunkMagic) {
		if allZero(b) {
			return out // an unused chunk
		}
		out = append(out, r.bad(slot, base, "no ElfChnk signature: the chunk header is ignored and records looked for"))
	} else if len(b) < chunkHeaderSize {
		out = append(out, r.bad(slot, base, "chunk header cut short"))
	} else {
		crc := crc32.Update(crc32.ChecksumIEEE(b[:120]), crc32.IEEETable, b[128:chunkHeaderSize])
		if want := le.Uint32(b[124:]); crc != want {
			out = append(out, r.bad(slot, base, fmt.Sprintf("chunk header checksum 0x%08x, expected 0x%08x: the header is ignored and records looked for", crc, want)))
		} else {
			headerOK = true
		}
	}
	// limit is where the header says the records end; without a header
	// the records are found by their own signatures and sizes.
	limit := len(b)
	if headerOK {
		free := int(le.Uint32(b[48:]))
		switch {
		case free > len(b) && len(b) < chunkSize:
			// Truncated (reported above): the records are read up to the
			// cut, and the checksum cannot be checked.
		case free < chunkHeaderSize || free > len(b):
			out = append(out, r.bad(slot, base+48, fmt.Sprintf("free space offset 0x%x outside the chunk", free)))
		default:
			limit = free
			if crc, want := crc32.ChecksumIEEE(b[chunkHeaderSize:free]), le.Uint32(b[52:]); crc != want {
				out = append(out, r.bad(slot, base+chunkHeaderSize, fmt.Sprintf("event records checksum 0x%08x, expected 0x%08x: records are read and each checked on its own", crc, want)))
			}
		}
	}

	c := &chunk{buf: b, names: map[uint32]string{}, templates: map[uint32]*template{}}
	if headerOK { // as many records as the header counts, within reason
		first, last := le.Uint64(b[8:]), le.Uint64(b[16:])
		if last >= first && last-first < chunkSize/64 {
			out = slices.Grow(out, int(last-first+1))
		}
	}
	var prevID uint64
	fields := 28
	var slab []Field // room for fields
	var flat flattener
	for off := chunkHeaderSize; off+recordHeader <= len(b); {
		size := int(le.Uint32(b[off+4:]))
		ok := bytes.Equal(b[off:off+4], recordMagic) && size >= recordHeader+4 && size <= len(b)-off &&
			int(le.Uint32(b[off+size-4:])) == size
		id := uint64(0)
		if ok {
			id = le.Uint64(b[off+8:])
		}
		// Past the header's end of records, a record is taken only if it
		// continues the sequence: one written after the header was last
		// saved (a dirty file), not stale bytes.
		if off >= limit && (!ok || id != prevID+1 || prevID == 0) {
			break
		}
		// Without a header, zeros after the records are the chunk's unused
		// space.
		if !headerOK && allZero(b[off:off+8]) {
			break
		}
		if !ok {
			reason := "no record signature"
			if bytes.Equal(b[off:off+4], recordMagic) {
				reason = fmt.Sprintf("record size %d does not fit the chunk or its copy at the end", size)
			}
			next := bytes.Index(b[off+1:limit], recordMagic)
			if next < 0 {
				out = append(out, r.bad(slot, base+int64(off), reason+"; no further record in the chunk"))
				break
			}
			out = append(out, r.bad(slot, base+int64(off), fmt.Sprintf("%s; %d bytes skipped to the next record", reason, next+1)))
			off += next + 1
			continue
		}
		rec := Record{File: r.name, Chunk: slot, Offset: base + int64(off), ID: id, Time: FileTime(le.Uint64(b[off+16:]))}
		budget := recordBudget(size)
		p := parser{c: c, pos: off + recordHeader, end: off + size - 4, budget: &budget, limit: budget}
		c.scratch = c.scratch[:0] // what a damaged record left
		items, err := p.fragment(0, c.top[:0])
		c.top = items
		c.values()
		if err == nil {
			walk(items, nil, func(p piece) {
				if p.n != nil && rec.event.n == nil {
					rec.event = p
				}
			})
			if rec.event.n == nil {
				err = errors.New("record holds no element")
			}
		}
		if err != nil {
			rec.Err = &Error{r.name, slot, rec.Offset, fmt.Sprintf("record %d: %v", id, err)}
			rec.event = piece{}
		} else {
			// Records of a chunk are mostly of a few kinds: room for as
			// many fields as the last one had, and a few more, taken from
			// a slab that several records' fields share (one allocation
			// for them all).
			if cap(slab) < fields+4 {
				slab = make([]Field, 0, 16*(fields+4))
			}
			fs := flat.flatten(rec.event, slab)
			if cap(fs) == cap(slab) { // in the slab: the next record's go after
				slab = fs[len(fs):]
			}
			rec.Fields = fs[:len(fs):len(fs)]
			fields = len(fs)
		}
		out = append(out, rec)
		prevID = id
		off += size
	}
	return out
}

func (r *Reader) bad(slot int, off int64, reason string) Record {
	return Record{File: r.name, Chunk: slot, Offset: off, Err: &Error{r.name, slot, off, reason}}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

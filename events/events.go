// Package events reads event logs: NDJSON, a JSON document or array,
// Elasticsearch search responses and exports (the event under _source),
// Windows event XML (wevtutil's and Splunk's XmlWinEventLog), Windows
// events in the JSON EVTX dump tools write ({"Event": {"System": …}}),
// each possibly gzip-compressed, and EVTX files (package evtx; read by
// offset, see EVTXSource). Formats are detected from content. Every event
// comes out as flat fields (nested keys joined with dots, values as text)
// with where it was read; a malformed event, or one past MaxEvent, is
// reported with its file and line and skipped, and reading goes on.
// Memory is one event's whatever the input: an array or a search response
// is read an element at a time. An input that cannot be read to its end
// (a gzip stream cut short or corrupt) is an error after the events before.
package events

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// Event is one event as read: its fields flattened to dotted paths
// ("winlog.event_data.Image"), every value as text (numbers as written),
// and its original text for output.
type Event struct {
	Fields map[string]string
	Raw    []byte
	File   string
	Line   int
}

// Format is an input format.
type Format string

const (
	Auto   Format = ""
	NDJSON Format = "ndjson" // one JSON object a line
	JSON   Format = "json"   // JSON documents or an array of them, any layout
	XML    Format = "xml"    // Windows <Event> elements
	EVTX   Format = "evtx"   // Windows' binary event log files
)

// Formats lists the formats --input-format takes; EVTX is always
// detected, by its signature, as gzip is.
var Formats = []Format{NDJSON, JSON, XML}

// Bad is an event that could not be read.
type Bad struct {
	File   string
	Line   int
	Reason string
}

// String is "file:line: reason", or "file: reason" without a line (an
// EVTX record's reason says its chunk and offset).
func (b Bad) String() string {
	if b.Line == 0 {
		return fmt.Sprintf("%s: %s", b.File, b.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", b.File, b.Line, b.Reason)
}

// Reader reads events from one input.
type Reader struct {
	// Event receives each event; an error stops the reading.
	Event func(Event) error
	// Bad receives each event that could not be read.
	Bad func(Bad)
}

// Read reads r, named file for messages, in the given format (Auto:
// detected from the content; gzip is always detected).
func (rd Reader) Read(r io.Reader, file string, format Format) error {
	br, format, closeFn, err := Open(r, file, format)
	if err != nil {
		return err
	}
	defer closeFn()
	if format == EVTX {
		ra, size, closeSrc, err := EVTXSource(r, br, file)
		if err != nil {
			return err
		}
		defer closeSrc()
		return rd.ReadEVTX(ra, size, file)
	}
	return rd.ReadFormat(br, file, format)
}

// peekSize is the most of an input detection looks at.
const peekSize = 1 << 20

// Open prepares an input for reading: a gzip stream is decompressed, and
// the format is detected when it is Auto. closeFn releases the
// decompressor. A compressed stream that is cut short or corrupt fails
// the read with a *GzipError.
func Open(r io.Reader, file string, format Format) (br *bufio.Reader, f Format, closeFn func(), err error) {
	br = bufio.NewReaderSize(r, peekSize)
	closeFn = func() {}
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		in := &byteCounter{r: br}
		gz, err := gzip.NewReader(in)
		if err != nil {
			return nil, "", nil, fmt.Errorf("%s: %w", file, &GzipError{in.n, err})
		}
		closeFn = func() { gz.Close() }
		br = bufio.NewReaderSize(&gzipReader{gz, in}, peekSize)
	}
	if format == Auto {
		format = detect(br)
	}
	return br, format, closeFn, nil
}

// GzipError is a compressed stream that could not be read to its end:
// cut short (a copy or download that stopped), or corrupt.
type GzipError struct {
	Read int64 // bytes of compressed input read
	Err  error
}

func (e *GzipError) Error() string {
	switch {
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("gzip stream cut short after %d bytes of compressed input: the file is incomplete", e.Read)
	case errors.Is(e.Err, gzip.ErrChecksum):
		return fmt.Sprintf("gzip stream corrupt: its checksum does not match the text (at %d bytes of compressed input)", e.Read)
	}
	return fmt.Sprintf("gzip stream corrupt at %d bytes of compressed input: %v", e.Read, e.Err)
}

func (e *GzipError) Unwrap() error { return e.Err }

// gzipReader is a decompressed stream whose errors say how far into the
// compressed input they are.
type gzipReader struct {
	gz *gzip.Reader
	in *byteCounter
}

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.gz.Read(p)
	if err != nil && err != io.EOF {
		err = &GzipError{g.in.n, err}
	}
	return n, err
}

// byteCounter counts what the decompressor takes; it is a ByteReader so
// that the decompressor takes only what it uses (it would buffer ahead
// of any other reader).
type byteCounter struct {
	r *bufio.Reader
	n int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *byteCounter) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// ReadFormat reads an opened input in a known format, but EVTX, which is
// read by offset (EVTXSource, ReadEVTX).
func (rd Reader) ReadFormat(br *bufio.Reader, file string, format Format) error {
	switch format {
	case NDJSON:
		return rd.ndjson(br, file)
	case JSON:
		return rd.json(br, file)
	case XML:
		return rd.xml(br, file)
	}
	return fmt.Errorf("%s: unknown input format %q (formats: ndjson, json, xml, evtx)", file, format)
}

// detect looks at the start of the input: EVTX's signature (or a chunk's
// where the first lies) is EVTX, "<" is XML, "[" a JSON array.
// Otherwise the first JSON value that is whole (a broken line is passed
// over) tells: an object on one line of its own makes NDJSON, read a line
// at a time; a value laid out over lines makes JSON. Without one, JSON:
// its reader reads NDJSON too, one value after another (only not in
// parallel).
func detect(br *bufio.Reader) Format {
	for size := 1 << 16; ; size = peekSize {
		head, err := br.Peek(size)
		f, sure := detectIn(head, err != nil)
		if sure || err != nil || size == peekSize {
			return f
		}
	}
}

// detectIn detects the format of head, the start of an input (all of it
// when complete); sure is false when head says too little.
func detectIn(head []byte, complete bool) (f Format, sure bool) {
	if isEVTX(head) {
		return EVTX, true
	}
	s := newStream(bytes.NewReader(head))
	s.limit = len(head) + 1 // all of head is kept
	s.dropping = false
	if bytes.HasPrefix(head, []byte("\ufeff")) {
		s.i = 3
	}
	c, ok := s.space()
	switch {
	case !ok:
		return NDJSON, complete
	case c == '<':
		return XML, true
	case c == '[':
		return JSON, true
	}
	for {
		c, ok := s.space()
		if !ok {
			return JSON, complete
		}
		start := s.i
		if err := s.value(0); err != nil {
			if s.i == len(s.buf) && !complete {
				return JSON, false // the value may go on past head
			}
			s.i = start
			s.skipLine()
			continue
		}
		value := s.buf[start:s.i]
		rest, _, cut := bytes.Cut(s.buf[s.i:], nl)
		if bytes.Contains(value, nl) {
			return JSON, true
		}
		if !cut && !complete {
			return JSON, false // the line may go on past head
		}
		if c == '{' && len(bytes.TrimSpace(rest)) == 0 {
			return NDJSON, true
		}
		if len(bytes.TrimSpace(rest)) > 0 {
			return JSON, true // values one after another on a line
		}
		// a line holding a string, a number: look on
	}
}

// stripBOM drops a UTF-8 byte order mark.
func stripBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\ufeff")) }

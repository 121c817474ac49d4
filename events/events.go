// Package events reads event logs: NDJSON, a JSON document or array,
// Elasticsearch search responses and exports (the event under _source),
// Windows event XML (wevtutil's and Splunk's XmlWinEventLog), each
// possibly gzip-compressed. Formats are detected from content. Every event
// comes out as flat fields (nested keys joined with dots, values as text)
// with where it was read; a malformed event is reported with its file and
// line and skipped, and reading goes on.
package events

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
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
)

// Formats lists the formats --input-format takes.
var Formats = []Format{NDJSON, JSON, XML}

// Bad is an event that could not be read.
type Bad struct {
	File   string
	Line   int
	Reason string
}

func (b Bad) String() string { return fmt.Sprintf("%s:%d: %s", b.File, b.Line, b.Reason) }

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
	return rd.ReadFormat(br, file, format)
}

// Open prepares an input for reading: a gzip stream is decompressed, and
// the format is detected when it is Auto. closeFn releases the
// decompressor.
func Open(r io.Reader, file string, format Format) (br *bufio.Reader, f Format, closeFn func(), err error) {
	br = bufio.NewReaderSize(r, 1<<16)
	closeFn = func() {}
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", nil, fmt.Errorf("%s: %v", file, err)
		}
		closeFn = func() { gz.Close() }
		br = bufio.NewReaderSize(gz, 1<<16)
	}
	if format == Auto {
		format = detect(br)
	}
	return br, format, closeFn, nil
}

// ReadFormat reads an opened input in a known format.
func (rd Reader) ReadFormat(br *bufio.Reader, file string, format Format) error {
	switch format {
	case NDJSON:
		return rd.ndjson(br, file)
	case JSON:
		return rd.json(br, file)
	case XML:
		return rd.xml(br, file)
	}
	return fmt.Errorf("%s: unknown input format %q (formats: ndjson, json, xml)", file, format)
}

// detect looks at the start of the input: "<" is XML, "[" a JSON array;
// lines that are whole JSON objects (any of the first few) make NDJSON, as
// does a first line that begins with "{" and ends with "}" but is broken
// (a damaged first event); anything else, a document laid out over lines,
// is JSON.
func detect(br *bufio.Reader) Format {
	head, _ := br.Peek(1 << 16)
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return NDJSON
	}
	switch trimmed[0] {
	case '<':
		return XML
	case '[':
		return JSON
	}
	lines := bytes.Split(trimmed, []byte("\n"))
	complete := len(head) < 1<<16 // the whole input is here, last line included
	for i, l := range lines {
		if i == 8 || i == len(lines)-1 && !complete {
			break
		}
		l = bytes.TrimSpace(l)
		if validObject(l) || i == 0 && len(l) > 1 && l[0] == '{' && l[len(l)-1] == '}' {
			return NDJSON
		}
	}
	return JSON
}

// stripBOM drops a UTF-8 byte order mark.
func stripBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\ufeff")) }

// lineCounter counts the lines of what a reader has given, so that a
// decoder's offsets map to lines.
type lineCounter struct {
	r     io.Reader
	lines []int // offsets where lines begin
	off   int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			c.lines = append(c.lines, c.off+i+1)
		}
	}
	c.off += n
	return n, err
}

// line is the 1-based line of an offset.
func (c *lineCounter) line(off int64) int {
	lo, hi := 0, len(c.lines)
	for lo < hi {
		m := (lo + hi) / 2
		if int64(c.lines[m]) <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo + 1
}

func trimReason(s string) string { return strings.TrimPrefix(s, "json: ") }

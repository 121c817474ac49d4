package events

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/cartrans/cartrans/internal/safefile"
)

// MaxEvent bounds one event in every format: an NDJSON line, a JSON
// document or array element, an XML event, counted in bytes of the
// (decompressed) text. An event past it is reported and skipped, without
// being held in memory: no event log holds events anywhere near this
// size, so the bound is fixed; a document larger than it (an array, a
// search response) is read an element at a time.
const MaxEvent = 16 << 20

// TooLarge is the report of an event past MaxEvent (what: "line", "XML
// event").
func TooLarge(what string) string {
	return fmt.Sprintf("%s larger than %s, the most one event may be (a fixed bound, far above any real event), skipped", what, safefile.Size(MaxEvent))
}

// ndjson reads one JSON object a line; a line that is not one is reported
// and skipped, and blank lines are ignored.
func (rd Reader) ndjson(br *bufio.Reader, file string) error {
	var d Decoder // one for the file: its parser's memory is reused
	line := 0
	var long []byte // a line longer than the buffer, so far
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if tooLong = tooLong || len(long)+len(chunk) > MaxEvent; tooLong {
				long = nil // read on to the line's end, keeping nothing
			} else {
				long = appendDoubling(long, chunk)
			}
			continue
		}
		if err != nil && err != io.EOF {
			// The input failed: the line it stopped in is not whole.
			return InputError(file, line+1, err)
		}
		if long != nil {
			chunk = append(long, chunk...)
			long = nil
		}
		if tooLong || len(chunk) > 0 {
			line++
			text := bytes.TrimSpace(chunk)
			if line == 1 {
				text = stripBOM(text)
			}
			switch {
			case tooLong || len(chunk) > MaxEvent:
				tooLong = false
				rd.bad(Bad{file, line, TooLarge("line")})
			case len(text) == 0:
			default:
				if e := d.Decode(text, file, line, rd.Event, rd.bad); e != nil {
					return e
				}
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// appendDoubling appends, doubling the capacity when it must grow, so that
// a long line costs twice its length at most (append grows large slices
// by a quarter, copying them over and over).
func appendDoubling(b, more []byte) []byte {
	if len(b)+len(more) > cap(b) {
		nb := make([]byte, len(b), max(2*cap(b), len(b)+len(more)))
		copy(nb, b)
		b = nb
	}
	return append(b, more...)
}

// InputError is an input that could not be read to its end (a file
// error, a *GzipError): the events before line were read.
func InputError(file string, line int, err error) error {
	return fmt.Errorf("%s:%d: %w; the events before this line were read", file, line, err)
}

// json reads JSON values of any layout, one after another: documents on
// one line (NDJSON) or many, arrays of events, search responses.
func (rd Reader) json(r io.Reader, file string) error {
	var d Decoder
	return rd.JSONValues(r, file, func(raw []byte, line int) error {
		return d.Decode(raw, file, line, rd.Event, rd.bad)
	})
}

// JSONValues reads JSON input as Read does, but hands over the text of
// each value that holds events instead of decoding it: a document, an
// element of an array, a hit of a search response (the event is its
// _source), each at most MaxEvent, with its line. The text is valid
// during the call only. It holds one value at a time, however large the
// array or response. A value that is not JSON goes to Bad, and reading
// goes on at the line after the one it began on (where the next NDJSON
// line is), or after the line of the error when the value's start is
// gone; the lines after it that cannot begin a value are passed over
// with it.
func (rd Reader) JSONValues(r io.Reader, file string, value func(raw []byte, line int) error) error {
	s := newStream(r)
	for len(s.buf) < 3 && s.more() {
	}
	if bytes.HasPrefix(s.buf, []byte("\ufeff")) {
		s.i = 3
	}
	broken := 0 // arrays broken off by an error, read on as values
	for {
		c, ok := s.space()
		if !ok {
			break
		}
		if c == ',' || c == ']' && broken > 0 { // an array's punctuation
			if c == ']' {
				broken--
			}
			s.i++
			continue
		}
		s.keepFrom()
		start := s.pos()
		line := s.lineAt(start)
		err := rd.topValue(s, file, c, start, line, value)
		var se *syntaxError
		if !errors.As(err, &se) {
			if err != nil {
				return err
			}
			s.dropping = true
			continue
		}
		if s.err != nil && s.err != io.EOF {
			break // the input failed: said below
		}
		if c == '[' {
			broken++
		}
		rd.recover(s, file, se, start, line)
	}
	if s.err != io.EOF {
		return InputError(file, s.lineAt(s.pos()), s.err)
	}
	return nil
}

// topValue reads one value at the top of a JSON input.
func (rd Reader) topValue(s *stream, file string, c byte, start int64, line int, value func([]byte, int) error) error {
	switch c {
	case '[':
		return s.array(1, func() error { return rd.element(s, file, value) })
	case '{':
		// hits.hits is a search response's array of hits: its elements
		// are read one by one, the response's other members passed over.
		response := false
		err := s.object(1, func(hits bool) (bool, error) {
			if c, ok := s.space(); !hits || !ok || c != '{' {
				return false, nil
			}
			return true, s.object(2, func(hits bool) (bool, error) {
				if c, ok := s.space(); !hits || !ok || c != '[' {
					return false, nil
				}
				response = true
				return true, s.array(3, func() error { return rd.element(s, file, value) })
			})
		})
		if err != nil || response {
			return err
		}
	default:
		if err := s.value(0); err != nil {
			return err
		}
	}
	if s.over {
		rd.bad(Bad{file, line, TooLarge("JSON value")})
		return nil
	}
	return value(s.buf[start-s.base:s.i], line)
}

// element reads one element of an array, keeping only it.
func (rd Reader) element(s *stream, file string, value func([]byte, int) error) error {
	s.keepFrom()
	defer func() { s.dropping = true }()
	start := s.pos()
	line := s.lineAt(start)
	if err := s.value(0); err != nil {
		return err
	}
	if s.over {
		rd.bad(Bad{file, line, TooLarge("array element")})
		return nil
	}
	return value(s.buf[start-s.base:s.i], line)
}

// recover reports a value that is not JSON and moves past it: to the line
// after the one it began on when that is still held (a broken NDJSON line
// costs only itself), else past the line of the error; then past the
// lines that cannot begin a value (the rest of a broken document).
func (rd Reader) recover(s *stream, file string, se *syntaxError, start int64, line int) {
	errLine := s.lineAt(se.at)
	from := line
	if s.kept(start) {
		s.i = int(start - s.base)
	} else {
		from = errLine
		s.i = int(max(se.at-s.base, int64(s.keep)))
	}
	s.dropping = true
	s.skipLine()
	for {
		c, ok := s.space()
		if !ok || c == '{' || c == '[' {
			break
		}
		s.skipLine()
	}
	to := s.lineAt(s.pos() - 1) // the input's end
	if _, ok := s.peek(); ok {
		to = s.lineAt(s.pos()) - 1 // the line before the next value
	}
	reason := "invalid JSON: " + se.msg
	if errLine != from {
		reason += fmt.Sprintf(" at line %d", errLine)
	}
	switch {
	case to > from:
		reason += fmt.Sprintf(" (lines %d-%d skipped)", from, to)
	case errLine != from:
		reason += fmt.Sprintf(" (line %d skipped)", from)
	}
	rd.bad(Bad{file, from, reason})
}

// FromObject makes an event of a decoded JSON object (numbers as
// json.Number keep their text), as the readers do.
func FromObject(obj map[string]any, file string, line int) Event {
	raw, _ := json.Marshal(obj)
	fields := make(map[string]string, len(obj))
	flatten(fields, "", obj)
	return Event{Fields: fields, Raw: raw, File: file, Line: line}
}

// flatten writes an object's values under dotted paths: strings as they
// are, numbers as written, booleans as true/false, arrays as their JSON
// text; null is no value.
func flatten(out map[string]string, prefix string, obj map[string]any) {
	for k, v := range obj {
		key := prefix + k
		switch v := v.(type) {
		case map[string]any:
			flatten(out, key+".", v)
		case string:
			out[key] = v
		case json.Number:
			out[key] = v.String()
		case bool:
			out[key] = fmt.Sprint(v)
		case nil:
		default:
			b, _ := json.Marshal(v)
			out[key] = string(b)
		}
	}
}

func (rd Reader) bad(b Bad) {
	if rd.Bad != nil {
		rd.Bad(b)
	}
}

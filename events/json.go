package events

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLine bounds an NDJSON line; a longer one is reported and skipped.
const MaxLine = 16 << 20

// ndjson reads one JSON object a line; a line that is not one is reported
// and skipped, and blank lines are ignored.
func (rd Reader) ndjson(br *bufio.Reader, file string) error {
	line := 0
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(long)+len(chunk) <= MaxLine {
				long = append(long, chunk...)
			} else if long != nil {
				long = long[:0:0] // too long: keep counting, drop the text
			}
			continue
		}
		if long != nil {
			chunk = append(long, chunk...)
			long = nil
		}
		if len(chunk) > 0 {
			line++
			text := bytes.TrimSpace(chunk)
			if line == 1 {
				text = stripBOM(text)
			}
			switch {
			case len(chunk) > MaxLine:
				rd.bad(Bad{file, line, fmt.Sprintf("line longer than %d bytes", MaxLine)})
			case len(text) == 0:
			default:
				if e := rd.value(text, file, line); e != nil {
					return e
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %v", file, line+1, err)
		}
	}
}

// json reads JSON values of any layout: documents one after another, or
// an array of events. A syntax error ends the file (the reader cannot
// find where the next event starts), after the events before it.
func (rd Reader) json(br *bufio.Reader, file string) error {
	lc := &lineCounter{r: br}
	dec := json.NewDecoder(lc)
	for {
		start := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// Where the error is: a syntax error's offset counts from
			// where this value's decoding began; an unexpected end is at
			// the end of what was read.
			at := int64(lc.off)
			var se *json.SyntaxError
			if errors.As(err, &se) {
				at = start + se.Offset
			}
			rd.bad(Bad{file, lc.line(max(at-1, 0)), "invalid JSON: " + trimReason(err.Error()) + " (the rest of the file is not read)"})
			return nil
		}
		line := lc.line(dec.InputOffset() - int64(len(raw)))
		raw = stripBOM(bytes.TrimSpace(raw))
		if len(raw) > 0 && raw[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				rd.bad(Bad{file, line, "invalid JSON array: " + trimReason(err.Error())})
				continue
			}
			for _, it := range items {
				if e := rd.value(it, file, line); e != nil {
					return e
				}
			}
			continue
		}
		if e := rd.value(raw, file, line); e != nil {
			return e
		}
	}
}

// value reads one JSON value holding events with the reader's decoder.
func (rd Reader) value(raw []byte, file string, line int) error {
	var d Decoder
	return d.Decode(raw, file, line, rd.Event, rd.bad)
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

// validObject reports whether b is one whole JSON object.
func validObject(b []byte) bool {
	return len(b) > 1 && b[0] == '{' && json.Valid(b)
}

package events

import (
	"strings"

	"github.com/valyala/fastjson"
)

// Decoder turns JSON text into events. It keeps its parser's memory from
// one value to the next, so one Decoder serves one goroutine.
//
// It uses github.com/valyala/fastjson: on Sysmon events it reads about
// three times as fast as encoding/json into a map (BenchmarkDecodeFastJSON
// against BenchmarkDecodeEncodingJSON), and reading is most of a run's
// work once the prefilter has let an event through.
type Decoder struct {
	// Alias leaves an event's Raw pointing into the decoded text instead
	// of copying it: for a caller that keeps the text alive as long as it
	// keeps Raw, or copies what it keeps.
	Alias bool
	p     fastjson.Parser
	keys  map[string]string
	arena []byte
	spans []span
	spare map[string]string
}

// Recycle gives back an event's fields once nothing refers to them, for
// the next event to fill: most events of a log match nothing and are
// dropped at once.
func (d *Decoder) Recycle(fields map[string]string) {
	clear(fields)
	d.spare = fields
}

// Decode reads one JSON value holding events: an event object; an
// Elasticsearch hit or export line (the event is its _source); a search
// response (its hits.hits, each a hit). Each event goes to emit (an
// error from emit stops and is returned); a value that holds none goes to
// bad.
func (d *Decoder) Decode(raw []byte, file string, line int, emit func(Event) error, bad func(Bad)) error {
	v := d.parse(raw, file, line, "not a JSON object but ", bad)
	if v == nil {
		return nil
	}
	if hits := v.Get("hits", "hits"); hits != nil && hits.Type() == fastjson.TypeArray {
		for _, h := range hits.GetArray() {
			if h.Type() != fastjson.TypeObject {
				bad(Bad{file, line, "a search hit that is not an object"})
				continue
			}
			if err := d.object(h, nil, file, line, emit); err != nil {
				return err
			}
		}
		return nil
	}
	return d.object(v, raw, file, line, emit)
}

// DecodeHit reads one element of a search response's hits, the event
// under its _source, as Decode reads each of a whole response's.
func (d *Decoder) DecodeHit(raw []byte, file string, line int, emit func(Event) error, bad func(Bad)) error {
	v := d.parse(raw, file, line, "a search hit that is not an object but ", bad)
	if v == nil {
		return nil
	}
	return d.object(v, raw, file, line, emit)
}

// parse parses an object, or says why it cannot (notObject, then the
// JSON type, when it is some other value).
func (d *Decoder) parse(raw []byte, file string, line int, notObject string, bad func(Bad)) *fastjson.Value {
	v, err := d.p.ParseBytes(raw)
	if err != nil {
		bad(Bad{file, line, "invalid JSON: " + strings.TrimPrefix(err.Error(), "cannot parse JSON: ")})
		return nil
	}
	if v.Type() != fastjson.TypeObject {
		bad(Bad{file, line, notObject + v.Type().String()})
		return nil
	}
	return v
}

// object emits one event, from a hit's _source when there is one.
func (d *Decoder) object(v *fastjson.Value, raw []byte, file string, line int, emit func(Event) error) error {
	if src := v.Get("_source"); src != nil && src.Type() == fastjson.TypeObject {
		v, raw = src, nil
	}
	switch {
	case raw == nil:
		raw = v.MarshalTo(nil)
	case !d.Alias:
		raw = append([]byte(nil), raw...)
	}
	fields := d.spare
	d.spare = nil
	if fields == nil {
		fields = make(map[string]string, 32)
	}
	d.flatten(fields, "", v)
	return emit(Event{Fields: fields, Raw: raw, File: file, Line: line})
}

// flattenFast writes a parsed object's values under dotted paths, as
// flatten does for encoding/json's: strings unescaped, numbers as
// written, booleans as true/false, arrays as their JSON text, null as no
// value. The values are copied (the parser's memory is reused).
func flattenFast(out map[string]string, prefix string, v *fastjson.Value) {
	var d Decoder
	d.flatten(out, prefix, v)
}

// flatten is flattenFast with the decoder's memory: field names, the same
// in every event of a log, are made strings once; the values of an event
// are copied into one string, sliced.
func (d *Decoder) flatten(out map[string]string, prefix string, v *fastjson.Value) {
	d.arena = d.arena[:0]
	d.spans = d.spans[:0]
	d.collect(prefix, v)
	all := string(d.arena)
	for _, sp := range d.spans {
		out[sp.key] = all[sp.start:sp.end]
	}
}

type span struct {
	key        string
	start, end int
}

func (d *Decoder) collect(prefix string, v *fastjson.Value) {
	o, err := v.Object()
	if err != nil {
		return
	}
	o.Visit(func(k []byte, v *fastjson.Value) {
		key := d.key(prefix, k)
		start := len(d.arena)
		switch v.Type() {
		case fastjson.TypeObject:
			d.collect(key+".", v)
			return
		case fastjson.TypeString:
			d.arena = append(d.arena, v.GetStringBytes()...)
		case fastjson.TypeNumber, fastjson.TypeArray:
			d.arena = v.MarshalTo(d.arena)
		case fastjson.TypeTrue:
			d.arena = append(d.arena, "true"...)
		case fastjson.TypeFalse:
			d.arena = append(d.arena, "false"...)
		default:
			return
		}
		d.spans = append(d.spans, span{key, start, len(d.arena)})
	})
}

// key is a field's dotted name, made a string once per decoder.
func (d *Decoder) key(prefix string, k []byte) string {
	if prefix != "" {
		return prefix + string(k)
	}
	if s, ok := d.keys[string(k)]; ok {
		return s
	}
	if d.keys == nil || len(d.keys) > 4096 {
		d.keys = map[string]string{}
	}
	s := string(k)
	d.keys[s] = s
	return s
}

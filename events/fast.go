package events

import (
	"bytes"
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
	if ev := windowsEvent(v); ev != nil {
		d.flattenWindows(fields, ev)
	} else {
		d.flatten(fields, "", v)
	}
	return emit(Event{Fields: fields, Raw: raw, File: file, Line: line})
}

// windowsEvent is the Event of a Windows event in the JSON EVTX dump tools
// write ({"Event": {"System": {…}, "EventData": {…}}}, attributes under
// "#attributes"), nil for any other object.
func windowsEvent(v *fastjson.Value) *fastjson.Value {
	o := v.GetObject()
	if o == nil || o.Len() != 1 {
		return nil
	}
	ev := o.Get("Event")
	if ev == nil || ev.Type() != fastjson.TypeObject || ev.Get("System") == nil || ev.Get("System").Type() != fastjson.TypeObject {
		return nil
	}
	return ev
}

// flattenWindows flattens a dumped Windows event to the fields the XML
// and EVTX readers give for it (see Reader.xml): System's children by
// name, their attributes as Element.Attribute; EventData's members by
// name (an unnamed Data, which dump tools write as Data, Data_1, …, as
// Data.0, Data.1, …; null, an empty element, as ""); other parts by
// their dotted path. Event's own attributes are not fields, and an array
// value is its elements joined by commas, as the EVTX reader writes it.
func (d *Decoder) flattenWindows(out map[string]string, ev *fastjson.Value) {
	d.arena = d.arena[:0]
	d.spans = d.spans[:0]
	ev.GetObject().Visit(func(k []byte, part *fastjson.Value) {
		switch string(k) {
		case "#attributes", "#text":
		case "System":
			part.GetObject().Visit(func(k []byte, c *fastjson.Value) {
				name := d.key("", k)
				if c.Type() != fastjson.TypeObject {
					d.text(name, c, true)
					return
				}
				c.GetObject().Visit(func(k []byte, v *fastjson.Value) {
					switch string(k) {
					case "#text":
						d.text(name, v, true)
					case "#attributes":
						d.attributes(name, v)
					}
				})
			})
		case "EventData":
			part.GetObject().Visit(func(k []byte, v *fastjson.Value) {
				name := string(k)
				switch {
				case name == "#attributes" || name == "#text":
					return
				case name == "Data":
					name = "Data.0"
				case strings.HasPrefix(name, "Data_") && isDigits(name[5:]):
					name = "Data." + name[5:]
				}
				if v.Type() == fastjson.TypeObject { // a Data with more attributes than its Name
					v = v.Get("#text")
				}
				if v == nil || v.Type() == fastjson.TypeNull {
					d.spans = append(d.spans, span{d.key("", []byte(name)), len(d.arena), len(d.arena)})
					return
				}
				d.text(d.key("", []byte(name)), v, false)
			})
		default:
			d.nestedWindows(string(k), part)
		}
	})
	all := string(d.arena)
	for _, sp := range d.spans {
		out[sp.key] = all[sp.start:sp.end]
	}
}

// nestedWindows flattens a part other than System and EventData by path,
// as the XML reader does: an element's text only when it has no child
// elements.
func (d *Decoder) nestedWindows(path string, v *fastjson.Value) {
	if v.Type() != fastjson.TypeObject {
		d.text(path, v, true)
		return
	}
	o := v.GetObject()
	leaf := true
	o.Visit(func(k []byte, _ *fastjson.Value) {
		leaf = leaf && (string(k) == "#text" || string(k) == "#attributes")
	})
	o.Visit(func(k []byte, c *fastjson.Value) {
		switch string(k) {
		case "#text":
			if leaf {
				d.text(path, c, true)
			}
		case "#attributes":
			d.attributes(path, c)
		default:
			d.nestedWindows(path+"."+string(k), c)
		}
	})
}

// attributes writes an element's attributes as element.attribute.
func (d *Decoder) attributes(element string, v *fastjson.Value) {
	v.GetObject().Visit(func(k []byte, a *fastjson.Value) {
		if a.Type() == fastjson.TypeNull {
			d.spans = append(d.spans, span{element + "." + string(k), len(d.arena), len(d.arena)})
			return
		}
		d.text(element+"."+string(k), a, false)
	})
}

// text writes a value as the Windows readers write an element's text: a
// string as it is, a number as written, an array's elements joined by
// commas; null, or (trim) text that is only white space, is no field.
func (d *Decoder) text(key string, v *fastjson.Value, trim bool) {
	start := len(d.arena)
	switch v.Type() {
	case fastjson.TypeString:
		b := v.GetStringBytes()
		if trim {
			b = bytes.TrimSpace(b)
		}
		d.arena = append(d.arena, b...)
	case fastjson.TypeNumber:
		d.arena = v.MarshalTo(d.arena)
	case fastjson.TypeTrue:
		d.arena = append(d.arena, "true"...)
	case fastjson.TypeFalse:
		d.arena = append(d.arena, "false"...)
	case fastjson.TypeArray:
		for i, e := range v.GetArray() {
			if i > 0 {
				d.arena = append(d.arena, ',')
			}
			if e.Type() == fastjson.TypeString {
				d.arena = append(d.arena, e.GetStringBytes()...)
			} else {
				d.arena = e.MarshalTo(d.arena)
			}
		}
	default:
		return
	}
	if trim && len(d.arena) == start {
		return
	}
	d.spans = append(d.spans, span{key, start, len(d.arena)})
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
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

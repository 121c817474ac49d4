package evtx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is one flat field of an event.
type Field struct {
	Name, Value string
}

// piece is one piece of content as read: an element with the values its
// placeholders take, or (n nil) a value.
type piece struct {
	n   *node
	env []value
	v   value
}

// walk calls fn with each piece of content of items read with env:
// template instances are read with their values, a placeholder gives its
// value (binary XML gives its content), empty values (null, or an
// optional substitution of no bytes) give nothing.
func walk(items []item, env []value, fn func(piece)) {
	for i := range items {
		it := &items[i]
		switch {
		case it.elem != nil:
			fn(piece{n: it.elem, env: env})
		case it.inst != nil:
			walk(it.inst.items, it.inst.vals, fn)
		case it.sub != 0:
			if it.sub > len(env) {
				continue // no such value: as an empty one
			}
			v := env[it.sub-1]
			switch {
			case v.t == tNull || it.opt && v.s == "" && v.x == nil:
			case v.x != nil:
				walk(v.x.items, nil, fn)
			default:
				fn(piece{v: v})
			}
		default:
			fn(piece{v: it.val})
		}
	}
}

// eachAttr calls fn with each attribute of an element; one whose value
// is only optional substitutions without value is left out, as Windows
// renders it.
func eachAttr(e piece, fn func(a *attr)) {
	for i := range e.n.attrs {
		a := &e.n.attrs[i]
		if optional(a.val) && !hasValue(a.val, e.env) {
			continue
		}
		fn(a)
	}
}

func optional(val []item) bool {
	for _, v := range val {
		if v.opt {
			return true
		}
	}
	return false
}

func hasValue(val []item, env []value) bool {
	any := false
	walk(val, env, func(p piece) { any = any || p.n == nil })
	return any
}

// kinds tells whether content holds text and elements.
func kinds(items []item, env []value) (hasText, hasElem bool) {
	walk(items, env, func(p piece) {
		if p.n != nil {
			hasElem = true
		} else {
			hasText = true
		}
	})
	return hasText, hasElem
}

// text joins the text pieces of content (an element's or an attribute's)
// as Windows renders them in event XML.
func text(items []item, env []value) string {
	// Nearly all content is one literal or one plain value: no walk.
	if len(items) == 1 {
		it := &items[0]
		switch {
		case it.elem == nil && it.inst == nil && it.sub == 0:
			return it.val.text(windowsStyle)
		case it.sub != 0 && it.sub <= len(env) && env[it.sub-1].x == nil:
			if v := env[it.sub-1]; v.t != tNull {
				return v.text(windowsStyle)
			}
			return ""
		}
	}
	var first string
	var sb strings.Builder
	n := 0
	walk(items, env, func(p piece) {
		if p.n != nil {
			return
		}
		t := p.v.text(windowsStyle)
		switch n {
		case 0:
			first = t
		case 1:
			sb.WriteString(first)
			fallthrough
		default:
			sb.WriteString(t)
		}
		n++
	})
	if n <= 1 {
		return first
	}
	return sb.String()
}

// flatten names an event's parts exactly as the Windows event XML reader
// (events/xml.go) does, so that a record and its XML export give the same
// fields: System's children by name with their trimmed text, their
// attributes as Element.Attribute; each EventData child by its Name
// attribute (or Data.<index> without one) with its untrimmed text; the
// other parts (UserData, RenderingInfo) by their dotted path. Event's own
// attributes are not fields. A later field of the same name replaces an
// earlier one.
//
// The fields are appended to out (which the caller sizes). A value that
// is one string is that string; the others (numbers, GUIDs, times, text
// of several pieces) are written into f's buffer and made one string for
// the event, so that a record costs a few allocations, not one a field.
// f is reused from one record to the next.
func (f *flattener) flatten(ev piece, out []Field) []Field {
	f.out, f.buf, f.pending = out, f.buf[:0], f.pending[:0]
	walk(ev.n.kids, ev.env, func(part piece) {
		if part.n == nil {
			return
		}
		switch part.n.name {
		case "System":
			walk(part.n.kids, part.env, func(c piece) {
				if c.n == nil {
					return
				}
				f.add(c.n.name, c.n.kids, c.env, true)
				eachAttr(c, func(a *attr) {
					f.add(a.field, a.val, c.env, false)
				})
			})
		case "EventData":
			j := 0
			walk(part.n.kids, part.env, func(d piece) {
				if d.n == nil {
					return
				}
				name := ""
				eachAttr(d, func(a *attr) {
					if a.name == "Name" {
						name = text(a.val, d.env)
					}
				})
				if name == "" {
					name = "Data." + strconv.Itoa(j)
				}
				f.add(name, d.n.kids, d.env, false)
				j++
			})
		default:
			f.nested(part.n.name, part)
		}
	})
	if len(f.pending) > 0 {
		all := string(f.buf)
		for _, p := range f.pending {
			f.out[p.field].Value = all[p.start:p.end]
		}
	}
	out, f.out = f.out, nil
	return out
}

type flattener struct {
	out     []Field
	buf     []byte
	pending []pendingField
}

// pendingField is a field whose value is buf[start:end].
type pendingField struct{ field, start, end int }

// add adds the field name with the text of content; trim drops the white
// space around it, and the field when nothing is left.
func (f *flattener) add(name string, items []item, env []value, trim bool) {
	if s, ok := plainText(items, env); ok {
		if trim {
			if s = strings.TrimSpace(s); s == "" {
				return
			}
		}
		f.out = append(f.out, Field{name, s})
		return
	}
	start := len(f.buf)
	f.buf = appendContent(f.buf, items, env)
	end := len(f.buf)
	if trim {
		t := bytes.TrimLeftFunc(f.buf[start:end], unicode.IsSpace)
		start = end - len(t)
		end = start + len(bytes.TrimRightFunc(t, unicode.IsSpace))
		if start == end {
			return
		}
	}
	f.pending = append(f.pending, pendingField{len(f.out), start, end})
	f.out = append(f.out, Field{Name: name})
}

func (f *flattener) nested(path string, e piece) {
	if _, hasElem := kinds(e.n.kids, e.env); !hasElem {
		f.add(path, e.n.kids, e.env, true)
	}
	eachAttr(e, func(a *attr) {
		f.add(path+"."+a.name, a.val, e.env, false)
	})
	walk(e.n.kids, e.env, func(c piece) {
		if c.n != nil {
			f.nested(path+"."+c.n.name, c)
		}
	})
}

// plainText is the text of content that is one string value (nearly all
// of it) or nothing, without copying it; false for any other content.
func plainText(items []item, env []value) (string, bool) {
	switch {
	case len(items) == 0:
		return "", true
	case len(items) > 1:
		return "", false
	}
	it := &items[0]
	var v value
	switch {
	case it.elem == nil && it.inst == nil && it.sub == 0:
		v = it.val
	case it.sub != 0 && it.sub <= len(env) && env[it.sub-1].x == nil:
		v = env[it.sub-1]
	default:
		return "", false
	}
	switch v.t {
	case tNull:
		return "", true
	case tString, tAnsiString:
		return v.s, true
	}
	return "", false
}

// appendContent appends the text pieces of content, as text does.
func appendContent(dst []byte, items []item, env []value) []byte {
	walk(items, env, func(p piece) {
		if p.n == nil {
			dst = p.v.appendText(dst, windowsStyle)
		}
	})
	return dst
}

// Object is a JSON object whose members keep their order (encoding/json
// would sort a map's keys; dump tools write members in document order).
type Object []Member

// Member is one member of an Object.
type Member struct {
	Name  string
	Value any // nil, string, bool, int64, uint64, float64, []any or Object
}

// Get returns the value of the member named name, if any.
func (o Object) Get(name string) (any, bool) {
	for _, m := range o {
		if m.Name == name {
			return m.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// AppendJSON appends the object as JSON, members in order, to dst, in one
// pass (encoding/json would check and copy a nested Object's text once
// for every level it is nested in). Strings are escaped as encoding/json
// escapes them, but for &, < and >, which are kept (an Encoder with
// SetEscapeHTML(false) writes the same).
func (o Object) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, m := range o {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, m.Name)
		dst = append(dst, ':')
		dst = appendJSONValue(dst, m.Value)
	}
	return append(dst, '}')
}

// appendJSONValue appends one of the values an Object holds.
func appendJSONValue(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return appendJSONString(dst, v)
	case bool:
		return strconv.AppendBool(dst, v)
	case int64:
		return strconv.AppendInt(dst, v, 10)
	case uint64:
		return strconv.AppendUint(dst, v, 10)
	case Object:
		return v.AppendJSON(dst)
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONValue(dst, e)
		}
		return append(dst, ']')
	}
	b, err := json.Marshal(v) // reals: encoding/json's forms
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped (as encoding/json does, for JavaScript).
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), "\\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&15])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(dst, s[start:]...), '"')
}

// add appends a member; a name already present gets a suffix _1, _2, …,
// as dump tools write repeated elements.
func (o Object) add(name string, v any) Object {
	key := name
	for i := 1; ; i++ {
		if _, dup := o.Get(key); !dup {
			break
		}
		key = name + "_" + strconv.Itoa(i)
	}
	return append(o, Member{key, v})
}

// jsonText is content's text for JSON: a single value keeps its JSON
// type (numbers, booleans, arrays), several pieces are joined as text.
func jsonText(items []item, env []value) any {
	var pieces []value
	walk(items, env, func(p piece) {
		if p.n == nil {
			pieces = append(pieces, p.v)
		}
	})
	switch len(pieces) {
	case 0:
		return nil
	case 1:
		return pieces[0].json()
	}
	var sb strings.Builder
	for _, v := range pieces {
		sb.WriteString(v.text(dumpStyle))
	}
	return sb.String()
}

// dump renders an element as EVTX dump tools write it in JSON: attributes
// under "#attributes"; child elements as members by name, where a Data
// element with a Name attribute is a member named by it holding its text;
// text alone as the element's value, or under "#text" beside attributes
// or children; an element with nothing at all as null.
func dump(e piece) any {
	var attrs Object
	eachAttr(e, func(a *attr) {
		attrs = append(attrs, Member{a.name, jsonText(a.val, e.env)})
	})
	hasText, hasElem := kinds(e.n.kids, e.env)
	if !hasElem {
		switch {
		case attrs == nil && !hasText:
			return nil
		case attrs == nil:
			return jsonText(e.n.kids, e.env)
		}
		obj := Object{{"#attributes", attrs}}
		if hasText {
			obj = append(obj, Member{"#text", jsonText(e.n.kids, e.env)})
		}
		return obj
	}
	var obj Object
	if attrs != nil {
		obj = append(obj, Member{"#attributes", attrs})
	}
	walk(e.n.kids, e.env, func(c piece) {
		if c.n == nil {
			return
		}
		if c.n.name == "Data" {
			if name, ok := dataName(c); ok {
				obj = obj.add(name, jsonText(c.n.kids, c.env))
				return
			}
		}
		obj = obj.add(c.n.name, dump(c))
	})
	if hasText {
		obj = obj.add("#text", jsonText(e.n.kids, e.env))
	}
	return obj
}

func dataName(e piece) (name string, ok bool) {
	eachAttr(e, func(a *attr) {
		if a.name == "Name" && !ok {
			name, ok = text(a.val, e.env), true
		}
	})
	return name, ok
}

// XML renders the event as Windows renders it in event XML (the value
// forms of Fields), for output and for checking that the flat fields are
// those the XML reader gives for the same event. Character data and
// attribute values are escaped, carriage returns included, so that a
// reader gets back exactly the text the record holds. Nil for a damaged
// record.
func (r Record) XML() []byte {
	if r.event.n == nil {
		return nil
	}
	var buf bytes.Buffer
	writeXML(&buf, r.event)
	return buf.Bytes()
}

func writeXML(buf *bytes.Buffer, e piece) {
	buf.WriteByte('<')
	buf.WriteString(e.n.name)
	eachAttr(e, func(a *attr) {
		buf.WriteByte(' ')
		buf.WriteString(a.name)
		buf.WriteString(`="`)
		xml.EscapeText(buf, []byte(text(a.val, e.env)))
		buf.WriteByte('"')
	})
	if hasText, hasElem := kinds(e.n.kids, e.env); !hasText && !hasElem {
		buf.WriteString("/>")
		return
	}
	buf.WriteByte('>')
	walk(e.n.kids, e.env, func(c piece) {
		if c.n != nil {
			writeXML(buf, c)
		} else {
			xml.EscapeText(buf, []byte(c.v.text(windowsStyle)))
		}
	})
	buf.WriteString("</")
	buf.WriteString(e.n.name)
	buf.WriteByte('>')
}

// AppendDumpJSON appends the record's Dump as JSON, exactly as
// Dump().AppendJSON writes it, without building the Object (run writes
// it for every event it reads); {} for a damaged record, as Dump gives
// nil.
func (r Record) AppendDumpJSON(dst []byte) []byte {
	if r.event.n == nil {
		return append(dst, "{}"...)
	}
	var d dumper
	dst = appendJSONString(append(dst, '{'), r.event.n.name)
	dst = d.element(append(dst, ':'), r.event)
	return append(dst, '}')
}

// dumper writes dump's JSON directly. names holds the member names of the
// objects being written, innermost last, for repeated names.
type dumper struct {
	names []string
	buf   []byte
}

// element writes what dump makes of an element.
func (d *dumper) element(dst []byte, e piece) []byte {
	hasAttrs := false
	eachAttr(e, func(*attr) { hasAttrs = true })
	hasText, hasElem := kinds(e.n.kids, e.env)
	if !hasElem {
		switch {
		case !hasAttrs && !hasText:
			return append(dst, "null"...)
		case !hasAttrs:
			return d.text(dst, e.n.kids, e.env)
		}
		dst = d.attrs(append(dst, `{"#attributes":`...), e)
		if hasText {
			dst = d.text(append(dst, `,"#text":`...), e.n.kids, e.env)
		}
		return append(dst, '}')
	}
	start := len(d.names)
	dst = append(dst, '{')
	member := func(name string) {
		key := name
		for i := 1; slices.Contains(d.names[start:], key); i++ {
			key = name + "_" + strconv.Itoa(i)
		}
		if len(d.names) > start {
			dst = append(dst, ',')
		}
		d.names = append(d.names, key)
		dst = append(appendJSONString(dst, key), ':')
	}
	if hasAttrs {
		member("#attributes")
		dst = d.attrs(dst, e)
	}
	walk(e.n.kids, e.env, func(c piece) {
		if c.n == nil {
			return
		}
		if c.n.name == "Data" {
			if name, ok := dataName(c); ok {
				member(name)
				dst = d.text(dst, c.n.kids, c.env)
				return
			}
		}
		member(c.n.name)
		dst = d.element(dst, c)
	})
	if hasText {
		member("#text")
		dst = d.text(dst, e.n.kids, e.env)
	}
	d.names = d.names[:start]
	return append(dst, '}')
}

// attrs writes an element's attributes as an object.
func (d *dumper) attrs(dst []byte, e piece) []byte {
	dst = append(dst, '{')
	n := 0
	eachAttr(e, func(a *attr) {
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = d.text(append(appendJSONString(dst, a.name), ':'), a.val, e.env)
	})
	return append(dst, '}')
}

// text writes what jsonText makes of content.
func (d *dumper) text(dst []byte, items []item, env []value) []byte {
	n := 0
	var first value
	walk(items, env, func(p piece) {
		if p.n == nil {
			if n == 0 {
				first = p.v
			}
			n++
		}
	})
	switch n {
	case 0:
		return append(dst, "null"...)
	case 1:
		return appendValueJSON(dst, first)
	}
	d.buf = d.buf[:0]
	walk(items, env, func(p piece) {
		if p.n == nil {
			d.buf = p.v.appendText(d.buf, dumpStyle)
		}
	})
	return appendJSONString(dst, string(d.buf))
}

// appendValueJSON writes v.json() as JSON.
func appendValueJSON(dst []byte, v value) []byte {
	switch {
	case v.t&tArray != 0, v.t == tReal32, v.t == tReal64:
		return appendJSONValue(dst, v.json())
	case v.t == tNull:
		return append(dst, "null"...)
	case v.t == tString, v.t == tAnsiString:
		return appendJSONString(dst, v.s)
	case fixedSize(v.t) != 0 && len(v.s) < fixedSize(v.t):
		// too short for its type: its bytes in hex, as text
	case v.t <= tUint64, v.t == tBool:
		return v.appendText(dst, dumpStyle) // integers and booleans are JSON as written
	}
	// GUIDs, times, SIDs, hexadecimal and binary: text of letters,
	// digits and punctuation that needs no escaping.
	return append(v.appendText(append(dst, '"'), dumpStyle), '"')
}

package evtx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
)

// Field is one flat field of an event.
type Field struct {
	Name, Value string
}

// text joins an element's (or attribute's) text pieces, as Windows
// renders them in event XML.
func text(val []item) string {
	switch {
	case len(val) == 0:
		return ""
	case len(val) == 1 && val[0].elem == nil:
		return val[0].val.text(windowsStyle)
	}
	var sb strings.Builder
	for _, v := range val {
		if v.elem == nil {
			sb.WriteString(v.val.text(windowsStyle))
		}
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
func flatten(ev *node) []Field {
	var out []Field
	for _, p := range ev.kids {
		part := p.elem
		if part == nil {
			continue
		}
		switch part.name {
		case "System":
			for _, k := range part.kids {
				c := k.elem
				if c == nil {
					continue
				}
				if t := strings.TrimSpace(text(c.kids)); t != "" {
					out = append(out, Field{c.name, t})
				}
				for _, a := range c.attrs {
					out = append(out, Field{c.name + "." + a.name, text(a.val)})
				}
			}
		case "EventData":
			j := 0
			for _, k := range part.kids {
				d := k.elem
				if d == nil {
					continue
				}
				name := ""
				for _, a := range d.attrs {
					if a.name == "Name" {
						name = text(a.val)
					}
				}
				if name == "" {
					name = "Data." + strconv.Itoa(j)
				}
				out = append(out, Field{name, text(d.kids)})
				j++
			}
		default:
			out = nested(out, part.name, part)
		}
	}
	return out
}

func nested(out []Field, path string, n *node) []Field {
	hasElem := false
	for _, k := range n.kids {
		if k.elem != nil {
			hasElem = true
		}
	}
	if !hasElem {
		if t := strings.TrimSpace(text(n.kids)); t != "" {
			out = append(out, Field{path, t})
		}
	}
	for _, a := range n.attrs {
		out = append(out, Field{path + "." + a.name, text(a.val)})
	}
	for _, k := range n.kids {
		if k.elem != nil {
			out = nested(out, path+"."+k.elem.name, k.elem)
		}
	}
	return out
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
func (o Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.Name)
		buf.Write(k)
		buf.WriteByte(':')
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
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

// jsonText is an element's or attribute's text for JSON: a single value
// keeps its JSON type (numbers, booleans, arrays), several pieces are
// joined as text.
func jsonText(val []item) any {
	var pieces []item
	for _, v := range val {
		if v.elem == nil {
			pieces = append(pieces, v)
		}
	}
	switch len(pieces) {
	case 0:
		return nil
	case 1:
		return pieces[0].val.json()
	}
	var sb strings.Builder
	for _, v := range pieces {
		sb.WriteString(v.val.text(dumpStyle))
	}
	return sb.String()
}

// dump renders an element as EVTX dump tools write it in JSON: attributes
// under "#attributes"; child elements as members by name, where a Data
// element with a Name attribute is a member named by it holding its text;
// text alone as the element's value, or under "#text" beside attributes
// or children; an element with nothing at all as null.
func dump(n *node) any {
	var attrs Object
	for _, a := range n.attrs {
		attrs = append(attrs, Member{a.name, jsonText(a.val)})
	}
	var obj Object
	hasText, hasElem := false, false
	for _, k := range n.kids {
		if k.elem == nil {
			hasText = true
			continue
		}
		hasElem = true
	}
	if !hasElem {
		t := jsonText(n.kids)
		switch {
		case attrs == nil && !hasText:
			return nil
		case attrs == nil:
			return t
		}
		obj = Object{{"#attributes", attrs}}
		if hasText {
			obj = append(obj, Member{"#text", t})
		}
		return obj
	}
	if attrs != nil {
		obj = append(obj, Member{"#attributes", attrs})
	}
	for _, k := range n.kids {
		c := k.elem
		if c == nil {
			continue
		}
		if c.name == "Data" {
			if name, ok := dataName(c); ok {
				obj = obj.add(name, jsonText(c.kids))
				continue
			}
		}
		obj = obj.add(c.name, dump(c))
	}
	if hasText {
		obj = obj.add("#text", jsonText(n.kids))
	}
	return obj
}

func dataName(n *node) (string, bool) {
	for _, a := range n.attrs {
		if a.name == "Name" {
			return text(a.val), true
		}
	}
	return "", false
}

// XML renders the event as Windows renders it in event XML (the value
// forms of Fields), for output and for checking that the flat fields are
// those the XML reader gives for the same event. Character data and
// attribute values are escaped, carriage returns included, so that a
// reader gets back exactly the text the record holds. Nil for a damaged
// record.
func (r Record) XML() []byte {
	if r.event == nil {
		return nil
	}
	var buf bytes.Buffer
	writeXML(&buf, r.event)
	return buf.Bytes()
}

func writeXML(buf *bytes.Buffer, n *node) {
	buf.WriteByte('<')
	buf.WriteString(n.name)
	for _, a := range n.attrs {
		buf.WriteByte(' ')
		buf.WriteString(a.name)
		buf.WriteString(`="`)
		xml.EscapeText(buf, []byte(text(a.val)))
		buf.WriteByte('"')
	}
	if len(n.kids) == 0 {
		buf.WriteString("/>")
		return
	}
	buf.WriteByte('>')
	for _, k := range n.kids {
		if k.elem != nil {
			writeXML(buf, k.elem)
		} else {
			xml.EscapeText(buf, []byte(k.val.text(windowsStyle)))
		}
	}
	buf.WriteString("</")
	buf.WriteString(n.name)
	buf.WriteByte('>')
}

package events

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// node is any XML element, kept whole.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

// xml reads Windows events: each <Event> element, at any depth (wevtutil
// writes them one after another, some tools inside an <Events> root).
// Fields are as Windows names them, flat: System's children by name
// (EventID, Channel, Computer, Level), their attributes as
// Element.Attribute (TimeCreated.SystemTime, Provider.Name), and each
// EventData <Data Name="Image"> by its name; UserData's elements by their
// path. A syntax error ends the file, after the events before it.
func (rd Reader) xml(br *bufio.Reader, file string) error {
	dec := xml.NewDecoder(br)
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			l, _ := dec.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				l = se.Line
			}
			rd.bad(Bad{file, l, "invalid XML: " + strings.TrimPrefix(err.Error(), "XML syntax error on line "+strconv.Itoa(l)+": ") + " (the rest of the file is not read)"})
			return nil
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "Event" {
			continue
		}
		line, _ := dec.InputPos() // where the start tag ends
		var n node
		if err := dec.DecodeElement(&n, &start); err != nil {
			l, _ := dec.InputPos()
			rd.bad(Bad{file, l, "invalid XML event: " + err.Error() + " (the rest of the file is not read)"})
			return nil
		}
		fields := map[string]string{}
		windowsFields(fields, &n)
		raw, _ := xml.Marshal(n)
		if err := rd.Event(Event{Fields: fields, Raw: raw, File: file, Line: line}); err != nil {
			return err
		}
	}
}

// windowsFields flattens an <Event> as Windows names its parts.
func windowsFields(out map[string]string, ev *node) {
	for i := range ev.Nodes {
		part := &ev.Nodes[i]
		switch part.XMLName.Local {
		case "System":
			for _, c := range part.Nodes {
				if t := strings.TrimSpace(c.Text); t != "" {
					out[c.XMLName.Local] = t
				}
				for _, a := range c.Attrs {
					out[c.XMLName.Local+"."+a.Name.Local] = a.Value
				}
			}
		case "EventData":
			for j, d := range part.Nodes {
				name := ""
				for _, a := range d.Attrs {
					if a.Name.Local == "Name" {
						name = a.Value
					}
				}
				if name == "" {
					name = "Data." + strconv.Itoa(j)
				}
				out[name] = d.Text
			}
		default: // UserData, RenderingInfo: by path
			nested(out, part.XMLName.Local, part)
		}
	}
}

func nested(out map[string]string, path string, n *node) {
	if len(n.Nodes) == 0 {
		if t := strings.TrimSpace(n.Text); t != "" {
			out[path] = t
		}
	}
	for _, a := range n.Attrs {
		out[path+"."+a.Name.Local] = a.Value
	}
	for i := range n.Nodes {
		nested(out, path+"."+n.Nodes[i].XMLName.Local, &n.Nodes[i])
	}
}

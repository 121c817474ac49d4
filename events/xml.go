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
// path. A syntax error ends the file, after the events before it, as does
// an event (or a run of text between events) past MaxEvent: the decoder
// cannot go on after either.
func (rd Reader) xml(br *bufio.Reader, file string) error {
	in := &xmlInput{r: br}
	dec := xml.NewDecoder(in)
	dec.Strict = true
	// stop reports what ended the reading, and a failed input as an error.
	stop := func(line int, what string, err error) error {
		switch {
		case in.err != nil:
			return InputError(file, line, in.err)
		case in.over:
			if what == "XML" {
				what = "XML tag or text" // outside an event, or an event's start tag
			}
			rd.bad(Bad{file, line, TooLarge(what) + "; the rest of the file is not read"})
		default:
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			reason := strings.TrimPrefix(err.Error(), "XML syntax error on line "+strconv.Itoa(line)+": ")
			rd.bad(Bad{file, line, "invalid " + what + ": " + reason + " (the rest of the file is not read)"})
		}
		return nil
	}
	for {
		in.from = in.n
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			l, _ := dec.InputPos()
			return stop(l, "XML", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "Event" {
			continue
		}
		line, _ := dec.InputPos() // where the start tag ends
		in.from = in.n
		var n node
		if err := dec.DecodeElement(&n, &start); err != nil {
			l, _ := dec.InputPos()
			if in.over {
				l = line
			}
			return stop(l, "XML event", err)
		}
		fields := map[string]string{}
		windowsFields(fields, &n)
		raw, _ := xml.Marshal(n)
		if err := rd.Event(Event{Fields: fields, Raw: raw, File: file, Line: line}); err != nil {
			return err
		}
	}
}

// xmlInput is the XML decoder's input, a ByteReader so that the decoder
// reads it directly: it refuses to give more than MaxEvent bytes from
// where the current token or event began (the decoder would hold them
// all), and keeps a read error apart from the decoder's own.
type xmlInput struct {
	r    *bufio.Reader
	n    int64 // bytes given
	from int64 // where the bound counts from
	over bool
	err  error
}

var errXMLOver = errors.New("past the bound on one event")

func (x *xmlInput) ReadByte() (byte, error) {
	if x.n-x.from >= MaxEvent {
		x.over = true
		return 0, errXMLOver
	}
	c, err := x.r.ReadByte()
	if err != nil {
		if err != io.EOF {
			x.err = err
		}
		return 0, err
	}
	x.n++
	return c, nil
}

// Read makes xmlInput an io.Reader; the decoder uses ReadByte.
func (x *xmlInput) Read(p []byte) (int, error) {
	for i := range p {
		c, err := x.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = c
	}
	return len(p), nil
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

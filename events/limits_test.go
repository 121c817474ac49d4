package events

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestLineOriented: NDJSON is read a line at a time whatever its first
// lines are: a first line longer than detection looks at, nine broken
// lines, a broken line after a document laid out over lines; every bad
// line is reported at its own line and the events after it are read.
func TestLineOriented(t *testing.T) {
	long := `{"x":"` + strings.Repeat("a", 100<<10) + `"}`
	huge := `{"x":"` + strings.Repeat("a", 2<<20) + `"}` // past peekSize
	for _, c := range []struct {
		name, input string
		want        []string
	}{
		{"first line over 64 KiB", long + "\n{\"a\":\n{\"a\":2}\n",
			[]string{"1: x=" + strings.Repeat("a", 100<<10), "bad 2: invalid JSON: cannot parse object: cannot parse object value: cannot parse empty string; unparsed tail: \"\"", "3: a=2"}},
		{"first line over 1 MiB", huge + "\n{\"a\":\n{\"a\":2}\n{oops\n{\"a\":3}",
			[]string{"1: x=" + strings.Repeat("a", 2<<20), "bad 2: invalid JSON: unexpected '{', expecting ',' or '}' after an object member at line 4 (line 2 skipped)",
				"3: a=2", "bad 4: invalid JSON: unexpected 'o', expecting a key", "5: a=3"}},
		{"nine bad lines", strings.Repeat("{\"bad\":\n", 9) + "{\"a\":1}\n{\"a\":2}\n", append(func() (b []string) {
			for i := 1; i <= 9; i++ {
				b = append(b, "bad "+fmt.Sprint(i)+": invalid JSON: cannot parse object: cannot parse object value: cannot parse empty string; unparsed tail: \"\"")
			}
			return b
		}(), "10: a=1", "11: a=2")},
		{"errors after a document", "{\n \"a\": 1\n}\n{oops\n{\"a\":2}\n\n{\"a\":\n{\"a\":3}\n",
			[]string{"1: a=1", "bad 4: invalid JSON: unexpected 'o', expecting a key", "5: a=2",
				"bad 7: invalid JSON: unexpected end of input, expecting ',' or '}' after an object member at line 8 (line 7 skipped)", "8: a=3"}},
		{"documents, one broken", "{\n\"a\":1\n}\n{\n\"a\":\n}\n{\n\"a\":3\n}\n",
			[]string{"1: a=1", "bad 4: invalid JSON: unexpected '}', expecting a value at line 6 (lines 4-6 skipped)", "7: a=3"}},
		{"blank lines are not events", "\n\n{\"a\":1}\n\n \n{\"a\":2}\n\n", []string{"3: a=1", "6: a=2"}},
	} {
		got := readAll(t, []byte(c.input), Auto)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\n got %.300q\nwant %.300q", c.name, got, c.want)
		}
	}
}

// TestGzipCut: a gzip stream cut short, even where its text ends at a
// line, or whose checksum is wrong, fails the read, saying where; the
// events before are read.
func TestGzipCut(t *testing.T) {
	var text bytes.Buffer
	for i := range 400 {
		fmt.Fprintf(&text, "{\"n\":%d}\n", i)
	}
	whole := gz(text.String())
	// Cut at a line: a flushed stream holding 200 whole lines, not closed.
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(text.Bytes()[:bytes.Index(text.Bytes(), []byte("{\"n\":200}"))])
	w.Flush()
	corrupt := bytes.Clone(whole)
	corrupt[len(corrupt)-5] ^= 1 // the CRC-32 of the text
	for _, c := range []struct {
		name   string
		input  []byte
		events int
		err    string
	}{
		{"cut at a line", b.Bytes(), 200, "t:201: gzip stream cut short after "},
		{"cut anywhere", whole[:len(whole)/2], -1, "gzip stream cut short after "},
		{"checksum", corrupt, 400, "gzip stream corrupt: its checksum does not match"},
	} {
		for _, format := range []Format{Auto, JSON} {
			n := 0
			err := Reader{Event: func(Event) error { n++; return nil }, Bad: func(b Bad) { t.Errorf("%s: %v", c.name, b) }}.
				Read(bytes.NewReader(c.input), "t", format)
			var ge *GzipError
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.As(err, &ge) || c.events >= 0 && n != c.events {
				t.Errorf("%s (%q): %d events, error %v", c.name, format, n, err)
			}
		}
	}
}

// repeat is a reader of n bytes of c, so that a large input costs no
// memory of its own.
type repeat struct {
	c byte
	n int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	for i := range k {
		p[i] = r.c
	}
	r.n -= int64(k)
	return k, nil
}

func input(parts ...any) io.Reader {
	var rs []io.Reader
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			rs = append(rs, strings.NewReader(p))
		case io.Reader:
			rs = append(rs, p)
		}
	}
	return io.MultiReader(rs...)
}

// TestEventBound: an event past MaxEvent, in any format, is reported
// naming the bound and skipped (XML: the file ends there) without being
// held in memory, and the events around it are read.
func TestEventBound(t *testing.T) {
	const big = 64 << 20 // held whole, it would take 64 MiB and more
	var gzBig bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gzBig, gzip.BestSpeed)
	io.Copy(w, input("{\"a\":1}\n{\"x\":\"", &repeat{'a', big}, "\"}\n{\"a\":2}\n"))
	w.Close()
	for _, c := range []struct {
		name string
		in   func() io.Reader
		want string
	}{
		{"array element", func() io.Reader {
			return input("[{\"a\":1},\n{\"x\":\"", &repeat{'a', big}, "\"},\n{\"a\":2}]")
		}, "1: a=1|bad 2: array element larger than 16 MiB, the most one event may be (a fixed bound, far above any real event), skipped|3: a=2"},
		{"document", func() io.Reader {
			return input("{\n\"a\":1\n}\n{\"x\":\"", &repeat{'a', big}, "\"}\n{\"a\":2}")
		}, "1: a=1|bad 4: JSON value larger than 16 MiB, the most one event may be (a fixed bound, far above any real event), skipped|5: a=2"},
		{"gzip", func() io.Reader { return bytes.NewReader(gzBig.Bytes()) },
			"1: a=1|bad 2: line larger than 16 MiB, the most one event may be (a fixed bound, far above any real event), skipped|3: a=2"},
		{"xml event", func() io.Reader {
			return input("<Events><Event><System><EventID>1</EventID></System></Event>\n<Event><EventData><Data Name='x'>", &repeat{'a', big}, "</Data></EventData></Event></Events>")
		}, "1: EventID=1|bad 2: XML event larger than 16 MiB, the most one event may be (a fixed bound, far above any real event), skipped; the rest of the file is not read"},
	} {
		var got []string
		rd := Reader{
			Event: func(e Event) error { got = append(got, fmt.Sprintf("%d: a=%s", e.Line, e.Fields["a"])); return nil },
			Bad:   func(b Bad) { got = append(got, fmt.Sprintf("bad %d: %s", b.Line, b.Reason)) },
		}
		if c.name == "xml event" {
			rd.Event = func(e Event) error {
				got = append(got, fmt.Sprintf("%d: EventID=%s", e.Line, e.Fields["EventID"]))
				return nil
			}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := rd.Read(c.in(), "t", Auto); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		runtime.ReadMemStats(&after)
		if s := strings.Join(got, "|"); s != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, s, c.want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 56<<20 {
			t.Errorf("%s: %d MiB allocated reading a %d MiB event", c.name, alloc>>20, big>>20)
		}
	}
}

// TestSearchResponseStreamed: a search response larger than an event is
// read a hit at a time, each hit at its own line; its other members are
// passed over.
func TestSearchResponseStreamed(t *testing.T) {
	hit := `{"_id":"x","_source":{"a":"` + strings.Repeat("b", 1000) + `"}}`
	n := (MaxEvent / len(hit)) + 100
	var b bytes.Buffer
	b.WriteString("{\"took\":1,\"hits\":{\"total\":1,\"hits\":[\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(hit)
	}
	b.WriteString("\n]},\"aggregations\":{\"x\":[1,2]}}\n{\"a\":\"after\"}\n")
	count, last := 0, Event{}
	err := Reader{Event: func(e Event) error {
		count++
		if count <= n && e.Line != count+1 {
			t.Fatalf("hit %d read at line %d", count, e.Line)
		}
		last = e
		return nil
	}, Bad: func(b Bad) { t.Error(b) }}.Read(bytes.NewReader(b.Bytes()), "t", Auto)
	if err != nil || count != n+1 || last.Fields["a"] != "after" || last.Line != n+3 {
		t.Errorf("%d events of %d, last %d: %v (%v)", count, n+1, last.Line, last.Fields["a"], err)
	}
}

// TestXMLTextBound: text between XML events is bounded as an event is.
func TestXMLTextBound(t *testing.T) {
	var got []string
	rd := Reader{
		Event: func(e Event) error { got = append(got, e.Fields["EventID"]); return nil },
		Bad:   func(b Bad) { got = append(got, fmt.Sprintf("bad %d: %s", b.Line, b.Reason)) },
	}
	in := input("<Events><Event><System><EventID>1</EventID></System></Event>\n", &repeat{'a', MaxEvent + 1}, "<Event/></Events>")
	if err := rd.Read(in, "t", Auto); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(got, "|"); s != "1|bad 2: XML tag or text larger than 16 MiB, the most one event may be (a fixed bound, far above any real event), skipped; the rest of the file is not read" {
		t.Error(s)
	}
}

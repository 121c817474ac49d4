package events

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/events/evtx"
	"github.com/cartrans/cartrans/internal/testcorpus"
)

// readInput reads path (a file, so EVTX is read where it lies) or data
// (a stream, so EVTX is read from a temporary copy) with Read, the format
// detected.
func readInput(t *testing.T, path string, data []byte) (evs []Event, bads []Bad) {
	t.Helper()
	rd := Reader{
		Event: func(e Event) error { evs = append(evs, e); return nil },
		Bad:   func(b Bad) { bads = append(bads, b) },
	}
	var err error
	if data == nil {
		f, ferr := os.Open(path)
		if ferr != nil {
			t.Fatal(ferr)
		}
		defer f.Close()
		err = rd.Read(f, path, Auto)
	} else {
		err = rd.Read(bytes.NewReader(data), path, Auto)
	}
	if err != nil {
		t.Fatal(err)
	}
	return evs, bads
}

var windowsTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)

// sameInDump reports whether an EVTX field's value is the same as the
// value the dump gives for it: the dump's value forms differ from
// Windows' in exactly these ways (see package evtx): times have six
// decimals, GUIDs no braces.
func sameInDump(windows, dump string) bool {
	switch {
	case windows == dump:
		return true
	case windowsTime.MatchString(windows):
		return windows[:len(windows)-2]+"Z" == dump
	}
	return windows == "{"+dump+"}"
}

// trimmed is fields with white space trimmed (EVTX dump tools trim text).
func trimmed(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		out[k] = strings.TrimSpace(v)
	}
	return out
}

// An .evtx file is detected by its signature and read as events, whether
// it is a file (read where it lies) or a gzip-compressed stream (read from
// a temporary copy). Each event's Raw is its dump ({"Event": {"System":
// …}}), which, read as JSON, gives the same fields in the dump's value
// forms; and the JSON another EVTX reader wrote of the same events (the
// .json beside each Sigma sample) gives those fields too.
func TestEVTXAndItsDump(t *testing.T) {
	n := 0
	for _, path := range testcorpus.SigmaEVTX(t) {
		evs, bads := readInput(t, path, nil)
		for _, b := range bads {
			t.Errorf("%s", b)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		zipped, _ := readInput(t, path, gz(string(data)))
		if !reflect.DeepEqual(zipped, evs) {
			t.Errorf("%s: read gzip-compressed, %d events differ from the file's %d", path, len(zipped), len(evs))
		}
		dumped, bads := readInput(t, strings.TrimSuffix(path, ".evtx")+".json", nil)
		for _, b := range bads {
			t.Errorf("%s", b)
		}
		if len(dumped) != len(evs) {
			t.Fatalf("%s: %d events, its .json %d", path, len(evs), len(dumped))
		}
		for i, ev := range evs {
			n++
			back, _ := readInput(t, path+".json", ev.Raw)
			if len(back) != 1 {
				t.Fatalf("%s: event %d: its dump %s read back gives %d events", path, i, ev.Raw, len(back))
			}
			got := back[0].Fields
			for k, v := range ev.Fields {
				if !sameInDump(v, got[k]) {
					t.Errorf("%s: event %d: %s is %q, read back from its dump %q", path, i, k, v, got[k])
				}
			}
			for k := range got {
				if _, ok := ev.Fields[k]; !ok {
					t.Errorf("%s: event %d: its dump read back has %s, the event not", path, i, k)
				}
			}
			if want := trimmed(got); !reflect.DeepEqual(dumped[i].Fields, want) {
				t.Errorf("%s: event %d: the .json gives\n%v\nthe .evtx's dump\n%v", path, i, dumped[i].Fields, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no events")
	}
}

// A damaged record is reported with its file, chunk and offset, and the
// records after it are read.
func TestEVTXDamaged(t *testing.T) {
	var path string
	var recs []evtx.Record
	for _, p := range testcorpus.SigmaEVTX(t) {
		r, err := evtx.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs = recs[:0]
		r.Records(func(rec evtx.Record) error { recs = append(recs, rec); return nil })
		r.Close()
		if len(recs) >= 3 {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no sample with three records")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The second record's signature is broken: the record cannot be
	// found where the chunk says it is.
	data[recs[1].Offset] ^= 0xff
	damaged := filepath.Join(t.TempDir(), "damaged.evtx")
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}
	evs, bads := readInput(t, damaged, nil)
	if len(bads) == 0 {
		t.Fatal("no damage reported")
	}
	if s := bads[len(bads)-1].String(); !strings.HasPrefix(s, damaged+": chunk 0, offset 0x") {
		t.Errorf("damage reported as %q, without the file, chunk and offset", s)
	}
	if len(evs) != len(recs)-1 {
		t.Errorf("%d events read around the damaged record, want %d", len(evs), len(recs)-1)
	}
	if got, want := evs[len(evs)-1].Fields["EventRecordID"], recs[len(recs)-1].Map()["EventRecordID"]; got != want {
		t.Errorf("last event read is record %s, want %s", got, want)
	}
}

// A file whose header is damaged past recognition (its signature gone) is
// still read as EVTX, by its first chunk's signature: the damage is
// reported and the records read.
func TestEVTXHeaderGone(t *testing.T) {
	path := testcorpus.SigmaEVTX(t)[0]
	want, _ := readInput(t, path, nil)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copy(data, "NotAFile")
	damaged := filepath.Join(t.TempDir(), "damaged.evtx")
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range [][]byte{nil, gz(string(data))} {
		evs, bads := readInput(t, damaged, in)
		if len(bads) != 1 || !strings.Contains(bads[0].String(), damaged+": file header: no ElfFile signature") || len(evs) != len(want) {
			t.Errorf("%d events (want %d), damage reported: %v", len(evs), len(want), bads)
		}
	}
}

// Walked folders read .evtx files.
func TestIsLogFileEVTX(t *testing.T) {
	for _, p := range []string{"a/Security.evtx", "b.EVTX", "c.evtx.gz"} {
		if !IsLogFile(p) {
			t.Errorf("%s is not read in a folder", p)
		}
	}
}

// An EVTX input that is not one is refused with its name.
func TestEVTXNotEVTX(t *testing.T) {
	rd := Reader{Event: func(Event) error { return nil }}
	err := rd.Read(bytes.NewReader([]byte("ElfFile\x00short")), "x.evtx", Auto)
	if err == nil || !strings.Contains(err.Error(), "x.evtx: not an EVTX file") {
		t.Errorf("got %v", err)
	}
}

// The JSON EVTX dump tools write of an event, in one document or one a
// line, gives the fields the XML reader gives for the event's XML: an
// unnamed Data (Data, Data_1 in the dump) by its index, an empty one as
// "", other parts by path, attributes as element.attribute.
func TestWindowsJSONAsXML(t *testing.T) {
	const xmlEvent = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='P'/><EventID>4624</EventID><Correlation/><Computer>  h  </Computer></System>` +
		`<EventData><Data>a</Data><Data>b</Data><Data Name='Empty'></Data></EventData>` +
		`<UserData><Log xmlns='u'><Path Kind='k'>p</Path><Empty/></Log></UserData></Event>`
	const dump = `{"Event": {"#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
  "System": {"Provider": {"#attributes": {"Name": "P"}}, "EventID": 4624, "Correlation": null, "Computer": "  h  "},
  "EventData": {"Data": "a", "Data_1": "b", "Empty": null},
  "UserData": {"Log": {"#attributes": {"xmlns": "u"}, "Path": {"#attributes": {"Kind": "k"}, "#text": "p"}, "Empty": null}}}}`
	fields := func(lines []string) []string { // without the line numbers
		for i, l := range lines {
			_, lines[i], _ = strings.Cut(l, ": ")
		}
		return lines
	}
	want := fields(readAll(t, []byte(xmlEvent), Auto))
	if len(want) != 1 || !strings.Contains(want[0], "Data.1=b") {
		t.Fatalf("the XML reader gives %v", want)
	}
	compact := strings.Join(strings.Fields(dump), " ")
	for _, in := range []string{dump, compact + "\n" + compact + "\n"} {
		got := fields(readAll(t, []byte(in), Auto))
		if len(got) == 0 || slices.ContainsFunc(got, func(g string) bool { return g != want[0] }) {
			t.Errorf("the dump gives\n%v\nthe XML\n%v", got, want)
		}
	}
}

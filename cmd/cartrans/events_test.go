package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/events/evtx"
	"github.com/cartrans/cartrans/internal/testcorpus"
)

// trimStrings trims the white space around every string of a decoded
// JSON value: EVTX dump tools trim text, the dump keeps it.
func trimStrings(v any) any {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		for k, x := range v {
			v[k] = trimStrings(x)
		}
	case []any:
		for i, x := range v {
			v[i] = trimStrings(x)
		}
	}
	return v
}

func decodeLines(t *testing.T, out string) []any {
	t.Helper()
	var docs []any
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%v in\n%s", err, out)
		}
		docs = append(docs, v)
	}
	return docs
}

// events dump writes each record of an .evtx file as the JSON EVTX dump
// tools write (the .json beside each Sigma sample, written by evtx_dump,
// equals it but for the white space it trims); --flat writes the flat
// fields run sees, the fields the event reader gives; --xml the event XML,
// which the XML reader reads to those fields too; a gzip-compressed .evtx
// on standard input dumps the same.
func TestEventsDump(t *testing.T) {
	samples := testcorpus.SigmaEVTX(t)
	n := 0
	for _, path := range samples[:min(len(samples), 40)] {
		out, errs, code := cli(t, "", "events", "dump", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", path, code, errs)
		}
		got := decodeLines(t, out)
		data, err := os.ReadFile(strings.TrimSuffix(path, ".evtx") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		want := decodeLines(t, string(data))
		for i := range got {
			got[i] = trimStrings(got[i])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: dump\n%s\nevtx_dump wrote\n%s", path, out, data)
		}
		n += len(got)

		var fields []map[string]string
		rd := events.Reader{Event: func(e events.Event) error { fields = append(fields, e.Fields); return nil }}
		if err := rd.Read(bytes.NewReader(mustRead(t, path)), path, events.Auto); err != nil {
			t.Fatal(err)
		}
		flat, _, code := cli(t, "", "events", "dump", "--flat", path)
		var flats []map[string]string
		for _, line := range strings.Split(strings.TrimSpace(flat), "\n") {
			var m map[string]string
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%s: --flat: %v: %s", path, err, line)
			}
			flats = append(flats, m)
		}
		if code != 0 || !reflect.DeepEqual(flats, fields) {
			t.Errorf("%s: --flat, exit %d:\n%v\nthe reader gives\n%v", path, code, flats, fields)
		}
		xmlOut, _, _ := cli(t, "", "events", "dump", "--xml", path)
		var fromXML []map[string]string
		rd = events.Reader{Event: func(e events.Event) error { fromXML = append(fromXML, e.Fields); return nil }}
		if err := rd.Read(strings.NewReader(xmlOut), path, events.XML); err != nil || !reflect.DeepEqual(fromXML, fields) {
			t.Errorf("%s: --xml (%v):\n%s", path, err, xmlOut)
		}
	}
	if n == 0 {
		t.Fatal("no records dumped")
	}
	var zipped bytes.Buffer
	w := gzip.NewWriter(&zipped)
	w.Write(mustRead(t, samples[0]))
	w.Close()
	fromStdin, errs, code := cli(t, zipped.String(), "events", "dump", "-")
	direct, _, _ := cli(t, "", "events", "dump", samples[0])
	if code != 0 || fromStdin != direct {
		t.Errorf("gzip'd on standard input: exit %d: %s\n%s", code, errs, fromStdin)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A damaged record is reported on standard error with its file, chunk
// and offset and counted, the others dumped (and run over); an input that
// is not EVTX is an error naming it (exit 1), the others still dumped.
func TestEventsDumpDamaged(t *testing.T) {
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
	data := mustRead(t, path)
	data[recs[1].Offset] ^= 0xff // the second record's signature
	dir := t.TempDir()
	damaged := filepath.Join(dir, "damaged.evtx")
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, "", "events", "dump", damaged)
	lines := strings.Count(out, "\n")
	if code != 0 || lines != len(recs)-1 || !regexp.MustCompile(regexp.QuoteMeta(damaged)+`: chunk 0, offset 0x[0-9a-f]+: `).MatchString(errs) ||
		!strings.Contains(errs, "damaged part") {
		t.Errorf("exit %d, %d records (want %d):\n%s", code, lines, len(recs)-1, errs)
	}
	// run reports it as an unreadable event and reads on.
	_, errs, code = cli(t, "", "run", "--count", "../../examples/analytics", "--events", damaged)
	if code != 0 || !strings.Contains(errs, fmt.Sprintf("read %d events", len(recs)-1)) ||
		!regexp.MustCompile(regexp.QuoteMeta(damaged)+`: chunk 0, offset 0x[0-9a-f]+: `).MatchString(errs) {
		t.Errorf("run: exit %d:\n%s", code, errs)
	}
	notEVTX := filepath.Join(dir, "a.json")
	os.WriteFile(notEVTX, []byte(`{"a":1}`), 0o644)
	out, errs, code = cli(t, "", "events", "dump", notEVTX, path)
	if code != 1 || !strings.Contains(errs, notEVTX+": not an EVTX file") || strings.Count(out, "\n") != len(recs) {
		t.Errorf("not EVTX: exit %d\n%s", code, errs)
	}
}

// run reads .evtx files, and folders of them, directly: CAR's analytics
// over the Sigma regression samples find the same matches, and read the
// same number of events, as over the JSON evtx_dump wrote of the same
// events (read as the same flat fields).
func TestRunEVTXSameAsItsJSON(t *testing.T) {
	car := testcorpus.Dir(t)
	asEVTX, asJSON := t.TempDir(), t.TempDir()
	for i, path := range testcorpus.SigmaEVTX(t) {
		name := fmt.Sprintf("%03d-%s", i, filepath.Base(filepath.Dir(path)))
		if err := os.WriteFile(filepath.Join(asEVTX, name+".evtx"), mustRead(t, path), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(asJSON, name+".json"), mustRead(t, strings.TrimSuffix(path, ".evtx")+".json"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	analytics := filepath.Join(car, "analytics")
	evtxOut, evtxErr, _ := cli(t, "", "run", "--count", analytics, "--events", asEVTX)
	jsonOut, jsonErr, _ := cli(t, "", "run", "--count", analytics, "--events", asJSON)
	read := regexp.MustCompile(`read (\d+) events \((\d+) files`)
	ev, js := read.FindStringSubmatch(evtxErr), read.FindStringSubmatch(jsonErr)
	if ev == nil || js == nil || ev[1] != js[1] || ev[2] != js[2] {
		t.Errorf("read from .evtx: %v, from .json: %v\n%s\n%s", ev, js, evtxErr, jsonErr)
	}
	if evtxOut != jsonOut {
		t.Errorf("counts over .evtx\n%s\nover .json\n%s", evtxOut, jsonOut)
	}
	if !regexp.MustCompile(`\t[1-9]\d*\n`).MatchString(evtxOut) {
		t.Errorf("no analytic matched:\n%s", evtxOut)
	}
}

// test takes .evtx sample files beside an analytic: <ID>.events.evtx
// must make it fire, <ID>.benign.evtx must not.
func TestTestEVTXSamples(t *testing.T) {
	car := testcorpus.Dir(t)
	var fires, benign string
	for _, p := range testcorpus.SigmaEVTX(t) {
		switch filepath.Base(filepath.Dir(p)) {
		case "proc_creation_win_cmd_assoc_execution": // cmd.exe runs assoc
			fires = p
		case "proc_creation_win_curl_custom_user_agent": // no cmd.exe
			benign = p
		}
	}
	if fires == "" || benign == "" {
		t.Fatal("the Sigma samples used are not in the corpus")
	}
	dir := t.TempDir()
	for name, from := range map[string]string{
		"CAR-2013-02-003.md":          filepath.Join(car, "analytics", "CAR-2013-02-003.md"),
		"CAR-2013-02-003.events.evtx": fires,
		"CAR-2013-02-003.benign.evtx": benign,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), mustRead(t, from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errs, code := cli(t, "", "test", "-v", filepath.Join(dir, "CAR-2013-02-003.md"))
	if code != 0 || !strings.Contains(out+errs, `sample "CAR-2013-02-003.events.evtx": 1 match`) ||
		!strings.Contains(out+errs, `benign sample "CAR-2013-02-003.benign.evtx": 0 matches`) {
		t.Errorf("exit %d:\n%s%s", code, out, errs)
	}
}

package evtx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// readJSON reads the dump beside a sample: one or more JSON documents one
// after another, numbers kept as written.
func readJSON(t *testing.T, path string) []any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var docs []any
	for {
		var v any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, v)
	}
}

// normalise round-trips a value through JSON so that it compares with a
// decoded document.
func normalise(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// expectedFields flattens a dump document as the flat fields name an
// event, in the dump's value forms.
func expectedFields(doc any) map[string]string {
	out := map[string]string{}
	ev, _ := doc.(map[string]any)["Event"].(map[string]any)
	str := func(v any) (string, bool) {
		switch v := v.(type) {
		case nil, map[string]any:
			return "", false
		case string:
			return v, true
		}
		return fmt.Sprint(v), true
	}
	for part, pv := range ev {
		obj, _ := pv.(map[string]any)
		switch part {
		case "#attributes":
		case "System":
			for name, v := range obj {
				if s, ok := str(v); ok {
					out[name] = s
					continue
				}
				m, _ := v.(map[string]any)
				attrs, _ := m["#attributes"].(map[string]any)
				for a, av := range attrs {
					out[name+"."+a], _ = str(av)
				}
				if s, ok := str(m["#text"]); ok {
					out[name] = s
				}
			}
		case "EventData":
			for name, v := range obj {
				if name != "#attributes" {
					out[name], _ = str(v)
				}
			}
		}
	}
	return out
}

var (
	windowsTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)
	bareGUID    = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)
)

// sameValue compares a flat value (Windows' form) with the dump's, which
// differ only in these documented ways (see the package documentation):
// times have seven decimals in Windows' form, six in the dump's; GUIDs
// have braces in Windows' form; the dump trims the white space around
// text.
func sameValue(flat, dump string) bool {
	flat = strings.TrimSpace(flat)
	switch {
	case flat == dump:
		return true
	case windowsTime.MatchString(flat):
		return flat[:len(flat)-2]+"Z" == dump
	case bareGUID.MatchString(dump):
		return flat == "{"+dump+"}"
	}
	return false
}

// Every record of every .evtx sample in the Sigma corpus reads, and equals
// the dump beside it written by another EVTX reader: the JSON rendering
// member for member and value for value, and the flat fields name for name
// (in the dump's forms).
func TestCorpus(t *testing.T) {
	files := testcorpus.SigmaEVTX(t)
	total := 0
	for _, path := range files {
		docs := readJSON(t, strings.TrimSuffix(path, ".evtx")+".json")
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var recs []Record
		err = r.Records(func(rec Record) error {
			if rec.Err != nil {
				t.Errorf("%v", rec.Err)
				return nil
			}
			recs = append(recs, rec)
			return nil
		})
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(docs) {
			t.Errorf("%s: %d records, the dump has %d", path, len(recs), len(docs))
			continue
		}
		for i, rec := range recs {
			total++
			got := trimStrings(normalise(t, rec.Dump()))
			if !reflect.DeepEqual(got, docs[i]) {
				t.Errorf("%s: record %d differs from the dump:\n%s", path, rec.ID, strings.Join(diffJSON("", got, docs[i], nil), "\n"))
				continue
			}
			want := expectedFields(docs[i])
			if d := diffFields(rec.Map(), want); d != "" {
				t.Errorf("%s: record %d: flat fields differ:\n%s", path, rec.ID, d)
			}
		}
	}
	t.Logf("%d files, %d records", len(files), total)
}

func diffFields(got, want map[string]string) string {
	var lines []string
	for k, v := range got {
		if w, ok := want[k]; !ok || !sameValue(v, w) {
			lines = append(lines, fmt.Sprintf("  %s: got %q, want %q (present %v)", k, v, w, ok))
		}
	}
	for k, w := range want {
		if _, ok := got[k]; !ok {
			lines = append(lines, fmt.Sprintf("  %s: missing, want %q", k, w))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// diffJSON lists where two decoded JSON values differ, by path.
func diffJSON(path string, got, want any, out []string) []string {
	gm, gok := got.(map[string]any)
	wm, wok := want.(map[string]any)
	if gok && wok {
		for k, g := range gm {
			w, ok := wm[k]
			if !ok {
				out = append(out, fmt.Sprintf("  %s/%s: got %v, not in the dump", path, k, g))
				continue
			}
			out = diffJSON(path+"/"+k, g, w, out)
		}
		for k, w := range wm {
			if _, ok := gm[k]; !ok {
				out = append(out, fmt.Sprintf("  %s/%s: missing, the dump has %v", path, k, w))
			}
		}
		return out
	}
	if !reflect.DeepEqual(got, want) {
		out = append(out, fmt.Sprintf("  %s: got %#v, the dump has %#v", path, got, want))
	}
	return out
}

// trimStrings trims the white space around every string, as the other
// reader does with text (its dumps show "chcp" for Sysmon's "chcp  ");
// this reader keeps text as Windows wrote it.
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

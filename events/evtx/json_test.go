package evtx

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// An Object's JSON is what encoding/json writes for the same members (in
// order), with HTML characters kept: every escape, invalid UTF-8, nested
// objects and arrays, reals.
func TestObjectJSON(t *testing.T) {
	obj := Object{
		{"s", "plain & <tag> \"quoted\" back\\slash"},
		{"ctl", "\x00\x01\b\f\n\r\t\x1f\x7f"},
		{"utf8", "é 漢 \u2028 \u2029 😀 \xff \xc3 end"},
		{"nums", []any{int64(-5), uint64(18446744073709551615), 1.5, 1e21, 1e-7, float64(float32(0.1)), true, false, nil}},
		{"nested", Object{{"#attributes", Object{{"Name", "x"}}}, {"#text", "t"}, {"e", Object{}}, {"a", []any{}}}},
		{"nan", math.NaN()}, // not JSON: null
	}
	got := obj.AppendJSON(nil)
	if !json.Valid(got) {
		t.Fatalf("not JSON: %s", got)
	}
	// encoding/json, member by member in order.
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	var write func(v any)
	write = func(v any) {
		switch v := v.(type) {
		case Object:
			want.WriteByte('{')
			for i, m := range v {
				if i > 0 {
					want.WriteByte(',')
				}
				write(m.Name)
				want.WriteByte(':')
				write(m.Value)
			}
			want.WriteByte('}')
		case []any:
			want.WriteByte('[')
			for i, e := range v {
				if i > 0 {
					want.WriteByte(',')
				}
				write(e)
			}
			want.WriteByte(']')
		case float64:
			if math.IsNaN(v) {
				want.WriteString("null")
				return
			}
			enc.Encode(v)
			want.Truncate(want.Len() - 1)
		default:
			enc.Encode(v)
			want.Truncate(want.Len() - 1) // the newline
		}
	}
	write(obj)
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("got\n%s\nencoding/json\n%s", got, want.Bytes())
	}
}

// AppendDumpJSON writes exactly what Dump's Object writes, for every
// synthetic record (every token kind and value type) and every record of
// the Sigma corpus.
func TestAppendDumpJSON(t *testing.T) {
	files := map[string][]byte{"synthetic": SyntheticFile()}
	for _, p := range testcorpus.SigmaEVTX(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	n := 0
	for name, data := range files {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)), name)
		if err != nil {
			t.Fatal(err)
		}
		r.Records(func(rec Record) error {
			n++
			if got, want := rec.AppendDumpJSON(nil), rec.Dump().AppendJSON(nil); !bytes.Equal(got, want) {
				t.Errorf("%s: record %d:\n%s\nthe Object:\n%s", name, rec.ID, got, want)
			}
			return nil
		})
	}
	if n < 100 {
		t.Fatalf("%d records", n)
	}
}

package events

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/cartrans/cartrans/internal/sysmongen"
)

// The decoder comparison the choice of fastjson rests on: one Sysmon
// NDJSON line into flat fields, with encoding/json (into map[string]any,
// then flattened) and with fastjson (visiting the parsed value).
var benchLines = bytes.Split(bytes.TrimSpace(sysmongen.Write(4<<20)), []byte("\n"))

func benchDecode(b *testing.B, decode func([]byte) map[string]string) {
	var n int64
	for _, l := range benchLines {
		n += int64(len(l)) + 1
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range benchLines {
			if len(decode(l)) == 0 {
				b.Fatal("no fields")
			}
		}
	}
}

func BenchmarkDecodeEncodingJSON(b *testing.B) {
	benchDecode(b, func(l []byte) map[string]string {
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(l))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			b.Fatal(err)
		}
		out := make(map[string]string, len(obj))
		flatten(out, "", obj)
		return out
	})
}

func BenchmarkDecodeFastJSON(b *testing.B) {
	var d Decoder
	benchDecode(b, func(l []byte) map[string]string {
		var out map[string]string
		d.Decode(l, "b", 1, func(e Event) error { out = e.Fields; return nil }, func(bad Bad) { b.Fatal(bad) })
		return out
	})
}

// The reader over the same Sysmon events laid out as NDJSON and as one
// JSON array: the array is read an element at a time, so its speed and
// memory are close to NDJSON's (compare -benchmem's B/op with the input's
// size: neither holds the input).
var benchNDJSON = sysmongen.Write(16 << 20)

func benchRead(b *testing.B, input []byte) {
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		rd := Reader{Event: func(Event) error { n++; return nil }, Bad: func(bad Bad) { b.Fatal(bad) }}
		if err := rd.Read(bytes.NewReader(input), "b", Auto); err != nil || n == 0 {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkReadNDJSON(b *testing.B) { benchRead(b, benchNDJSON) }

func BenchmarkReadArray(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(benchNDJSON), []byte("\n"))
	benchRead(b, append(append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...), "\n]\n"...))
}

// BenchmarkJSONValues: finding the values of an array, the part of
// reading JSON that is not done in parallel by run.
func BenchmarkJSONValues(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(benchNDJSON), []byte("\n"))
	input := append(append([]byte("[\n"), bytes.Join(lines, []byte(",\n"))...), "\n]\n"...)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		rd := Reader{Bad: func(bad Bad) { b.Fatal(bad) }}
		if err := rd.JSONValues(bytes.NewReader(input), "b", func([]byte, int) error { n++; return nil }); err != nil || n == 0 {
			b.Fatal(n, err)
		}
	}
}

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

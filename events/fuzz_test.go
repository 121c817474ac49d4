package events

import (
	"bytes"
	"testing"
)

// FuzzRead: any input is read without a panic or a hang, every event
// has fields, and every unreadable one a reason, each at a line of the
// input.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"{\"a\":1}\n{\"b\":{\"c\":[1,2]}}\n",
		"[{\"a\":1},{\"a\":2}]",
		"{\n \"a\": 1\n}\n{\"a\":2}",
		`{"hits":{"hits":[{"_source":{"a":1}}]}}`,
		sysmonXML,
		"<Event><System><EventID>1</EventID></System><EventData><Data Name='A'>x</Data></EventData></Event>",
		"\ufeff{\"a\":\"\\u00e9\"}",
		"{oops\n",
		string(gz("{\"a\":1}\n")),
		"[{\"a\":1},\n{oops},\n{\"a\":2}\n]",
		"{\"hits\":{\"hits\":[\n{\"_source\":{\"a\":1}},\n5\n]},\"x\":[{}]}",
		"{\"a\":\n{\"a\":1}\n\n{\n\"b\":2\n}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every line is one of the input's (unless it is compressed).
		last := bytes.Count(data, []byte("\n")) + 1
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			last = int(^uint(0) >> 1)
		}
		rd := Reader{
			Event: func(e Event) error {
				if e.Fields == nil || e.Line < 1 || e.Line > last {
					t.Fatalf("event without fields or line: %+v", e)
				}
				return nil
			},
			Bad: func(b Bad) {
				if b.Reason == "" || b.Line < 1 || b.Line > last {
					t.Fatalf("unreadable event without reason or line: %+v", b)
				}
			},
		}
		_ = rd.Read(bytes.NewReader(data), "f", Auto)
	})
}

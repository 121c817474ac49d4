package events

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"sort"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// readAll reads input and renders each event as "line: k=v,…" (keys
// sorted) and each bad one as "bad line: reason".
func readAll(t *testing.T, input []byte, format Format) []string {
	t.Helper()
	var out []string
	rd := Reader{
		Event: func(e Event) error {
			var kv []string
			for k, v := range e.Fields {
				kv = append(kv, k+"="+v)
			}
			sort.Strings(kv)
			out = append(out, fmt.Sprintf("%d: %s", e.Line, strings.Join(kv, ",")))
			return nil
		},
		Bad: func(b Bad) { out = append(out, fmt.Sprintf("bad %d: %s", b.Line, b.Reason)) },
	}
	if err := rd.Read(bytes.NewReader(input), "t", format); err != nil {
		t.Fatal(err)
	}
	return out
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

const sysmonXML = `<Events>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><TimeCreated SystemTime='2019-05-18T22:01:37.466Z'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>hr001.shire.com</Computer></System><EventData><Data Name='Image'>C:\Windows\System32\net.exe</Data><Data Name='CommandLine'>net start</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4624</EventID><Channel>Security</Channel></System><EventData><Data Name='LogonType'>10</Data></EventData></Event>
</Events>`

// TestFormats: every input format gives the same flat fields, detected
// from the content, gzip included.
func TestFormats(t *testing.T) {
	for _, c := range []struct {
		name  string
		input []byte
		want  []string
	}{
		{"ndjson", []byte("{\"a\":1,\"b\":{\"c\":\"x\"}}\n\n{\"a\":2,\"n\":null,\"t\":true,\"l\":[1,2]}\n"),
			[]string{"1: a=1,b.c=x", "3: a=2,l=[1,2],t=true"}},
		{"ndjson, bad lines skipped", []byte("{\"a\":1}\nnot json\n[1]\n{\"a\":\n{\"a\":3}"),
			[]string{"1: a=1", `bad 2: invalid JSON: unexpected value found: "not json"; unparsed tail: "not json"`, "bad 3: not a JSON object but array",
				`bad 4: invalid JSON: cannot parse object: cannot parse object value: cannot parse empty string; unparsed tail: ""`, "5: a=3"}},
		{"pretty document", []byte("{\n  \"a\": 1,\n  \"b\": \"x\"\n}\n"), []string{"1: a=1,b=x"}},
		{"array", []byte("[{\"a\":1},\n {\"a\":2}]"), []string{"1: a=1", "2: a=2"}},
		{"documents one after another", []byte("{\n\"a\":1\n}\n{\n\"a\":2\n}"), []string{"1: a=1", "4: a=2"}},
		{"search response", []byte(`{"took":1,"hits":{"total":2,"hits":[{"_id":"1","_source":{"a":1}},{"_id":"2","_source":{"a":2}}]}}`),
			[]string{"1: a=1", "1: a=2"}},
		{"elasticdump", []byte("{\"_index\":\"i\",\"_source\":{\"a\":1}}\n{\"_index\":\"i\",\"_source\":{\"a\":2}}\n"), []string{"1: a=1", "2: a=2"}},
		{"gzip", gz("{\"a\":1}\n{\"a\":2}\n"), []string{"1: a=1", "2: a=2"}},
		{"xml", []byte(sysmonXML), []string{
			`2: Channel=Microsoft-Windows-Sysmon/Operational,CommandLine=net start,Computer=hr001.shire.com,EventID=1,Image=C:\Windows\System32\net.exe,Provider.Name=Microsoft-Windows-Sysmon,TimeCreated.SystemTime=2019-05-18T22:01:37.466Z`,
			"3: Channel=Security,EventID=4624,LogonType=10"}},
		{"json syntax error", []byte("{\n\"a\":1\n}\n{\n\"a\":\n"), []string{"1: a=1", "bad 4: invalid JSON: unexpected end of input, expecting a value at line 5 (lines 4-5 skipped)"}},
		{"xml syntax error", []byte("<Event><System><EventID>1</EventID></System></Event>\n<Event><System>"), []string{"1: EventID=1", "bad 2: invalid XML event: unexpected EOF (the rest of the file is not read)"}},
		{"bom", []byte("\ufeff{\"a\":1}\n"), []string{"1: a=1"}},
		{"empty", nil, nil},
	} {
		got := readAll(t, c.input, Auto)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

package native_test

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/events"
)

// TestSchemasAndFormats: the same process creation, as each schema and
// format writes it, is recognised, mapped and matched.
func TestSchemasAndFormats(t *testing.T) {
	p := program(t, proc+`exe == "cmd.exe" and parent_exe == "services.exe" and image_path == "C:\Windows\*\cmd.exe"`+"\noutput x")
	for _, c := range []struct{ name, input string }{
		{"flat NDJSON", `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`},
		{"Windows XML", `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><TimeCreated SystemTime='2024-01-01T00:00:00.0000000Z'/><Computer>ws1</Computer></System><EventData><Data Name='Image'>C:\Windows\System32\cmd.exe</Data><Data Name='ParentImage'>C:\Windows\System32\services.exe</Data></EventData></Event>`},
		{"Winlogbeat", `{"@timestamp":"2024-01-01T00:00:00Z","winlog":{"event_id":1,"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"ws1.corp","event_data":{"Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}}}`},
		{"Mordor, doubled backslashes", `{"event_id":1,"log_name":"Microsoft-Windows-Sysmon/Operational","process_path":"c:\\\\windows\\\\system32\\\\cmd.exe","process_parent_path":"c:\\\\windows\\\\system32\\\\services.exe"}`},
		{"HELK, Winlogbeat's ids kept beside its own", `{"event_id":1,"log_name":"Microsoft-Windows-Sysmon/Operational","winlog":{"event_id":1,"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"ws1.corp"},"process_path":"c:\\\\windows\\\\system32\\\\cmd.exe","process_parent_path":"c:\\\\windows\\\\system32\\\\services.exe"}`},
		{"CAR names", `{"object":"process","action":"create","exe":"cmd.exe","parent_exe":"services.exe","image_path":"C:\\Windows\\System32\\cmd.exe"}`},
		{"Elasticsearch response", `{"hits":{"hits":[{"_source":{"winlog":{"event_id":"1","channel":"Microsoft-Windows-Sysmon/Operational","event_data":{"Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}}}}]}}`},
		{"JSON array", `[{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}]`},
	} {
		n := 0
		e, err := native.New([]native.Program{p}, native.Options{}, func(native.Match) { n++ })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Run(strings.NewReader(c.input), "t", events.Auto, func(b events.Bad) { t.Errorf("%s: %v", c.name, b) }); err != nil {
			t.Fatal(err)
		}
		if n != 1 || e.Unrecognised != 0 {
			t.Errorf("%s: %d matches, %d unrecognised", c.name, n, e.Unrecognised)
		}
	}
}

// TestSchemaForced: --schema reads every event with one schema; an event
// of another layout is then not recognised as any kind of event.
func TestSchemaForced(t *testing.T) {
	p := program(t, proc+`exe == "cmd.exe"`+"\noutput x")
	mordor, err := native.FindSchema("mordor")
	if err != nil {
		t.Fatal(err)
	}
	flat := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\cmd.exe"}`
	n := 0
	e, _ := native.New([]native.Program{p}, native.Options{Schema: mordor}, func(native.Match) { n++ })
	e.Run(strings.NewReader(flat), "t", events.Auto, func(events.Bad) {})
	if n != 0 {
		t.Errorf("flat event read as mordor: %d matches", n)
	}
	if _, err := native.FindSchema("nosuch"); err == nil || !strings.Contains(err.Error(), "schemas (winlogbeat, mordor, sysmon, car)") {
		t.Errorf("unknown schema: %v", err)
	}
}

// TestTimes reads the time forms logs write, and orders a join by them.
func TestTimes(t *testing.T) {
	code := "a = search Process:Create where exe == \"a.exe\"\nb = search Process:Create where exe == \"b.exe\"\n" +
		"j = join (a, b) where a.hostname == b.hostname and a.time < b.time < a.time + 2 seconds\noutput j"
	for _, c := range []struct{ name, ta, tb string }{
		{"Sysmon UtcTime", `"UtcTime":"2024-01-01 00:00:00.000"`, `"UtcTime":"2024-01-01 00:00:01.500"`},
		{"RFC 3339", `"@timestamp":"2024-01-01T00:00:00Z"`, `"@timestamp":"2024-01-01T00:00:01.5Z"`},
		{"SystemTime", `"TimeCreated.SystemTime":"2024-01-01T00:00:00.0000000Z"`, `"TimeCreated.SystemTime":"2024-01-01T00:00:01.0000000Z"`},
		{"epoch seconds", `"EventTime":1704067200`, `"EventTime":1704067201.5`},
		{"epoch milliseconds", `"EventTime":1704067200000`, `"EventTime":1704067201000`},
	} {
		ev := func(img, tm string) string {
			return `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"h","Image":"C:\\` + img + `",` + tm + "}\n"
		}
		got := run(t, program(t, code), ev("a.exe", c.ta)+ev("b.exe", c.tb))
		if len(got) != 1 {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

package native_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/backendtest"
)

// program compiles pseudocode for the engine.
func program(t testing.TB, code string) native.Program {
	t.Helper()
	return native.Program{ID: "CAR-2099-01-001", Queries: backendtest.Lower(t, code)}
}

// run feeds events (JSON objects, one a line) and renders each match:
// a filter's event by its "n" field, a pair as "l+r", a row as its JSON.
func run(t *testing.T, p native.Program, input string) []string {
	t.Helper()
	var out []string
	e, err := native.New([]native.Program{p}, native.Options{}, func(m native.Match) {
		switch {
		case m.Pair != nil:
			out = append(out, n(m.Pair["left"].Event)+"+"+n(m.Pair["right"].Event))
		case m.Row != nil:
			b, _ := json.Marshal(m.Row)
			out = append(out, string(b))
		default:
			out = append(out, n(m.Event))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	rd := events.Reader{Event: e.Event, Bad: func(b events.Bad) { t.Fatalf("bad input: %v", b) }}
	if err := rd.Read(strings.NewReader(input), "t", events.NDJSON); err != nil {
		t.Fatal(err)
	}
	e.Close()
	return out
}

func n(raw json.RawMessage) string {
	var v struct{ N json.Number }
	json.Unmarshal(raw, &v)
	return v.N.String()
}

// sysmon writes flat Sysmon process creations: n, then field=value pairs.
func sysmon(evs ...string) string {
	var b strings.Builder
	for _, ev := range evs {
		f := map[string]any{"EventID": "1", "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": "ws1.corp.example"}
		parts := strings.Split(ev, ";")
		f["n"] = json.Number(parts[0])
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		j, _ := json.Marshal(f)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

const proc = "p = search Process:Create\nx = filter p where "

// TestConstructs checks the engine's meaning of each construct, the one
// the query backends keep (docs/pseudocode.md §5).
func TestConstructs(t *testing.T) {
	evs := sysmon(
		`1;Image=C:\Windows\System32\cmd.exe;ParentImage=C:\Windows\System32\services.exe;CommandLine=cmd /c whoami;ProcessId=100`,
		`2;Image=C:\Windows\System32\CMD.EXE;ParentImage=C:\Windows\explorer.exe;CommandLine=CMD -ENC abc;ProcessId=200;User=SYSTEM`,
		`3;Image=C:\Tools\procdump64.exe;CommandLine=procdump -ma lsass;ProcessId=0300`,
		`4;Image=C:\Windows\System32\svchost.exe;CommandLine=svchost -k netsvcs;ProcessId=abc`,
	)
	for _, c := range []struct{ name, cond, want string }{
		{"base name, any case", `exe == "cmd.exe"`, "1 2"},
		{"path with wildcard", `image_path == "C:\Windows\*\cmd.exe"`, "1 2"},
		{"contains", `command_line contains "-enc"`, "2"},
		{"not equal is true on an absent field", `user != "SYSTEM"`, "1 3 4"},
		{"exists", `user exists`, "2"},
		{"numbers compare as numbers", `pid == 300`, "3"},
		{"quoted numbers too", `pid == "300"`, "3"},
		{"ordering", `pid > 150`, "2 3"},
		{"a value that is no number is not ordered", `pid < 1000`, "1 2 3"},
		{"regular expression, case-sensitive", `command_line match "-ENC"`, "2"},
		{"regular expression, (?i)", `command_line match "(?i)-enc"`, "2"},
		{"wildcard inside a base name", `exe == "procdump*.exe"`, "3"},
		{"in", `exe in ["svchost.exe", "procdump64.exe"]`, "3 4"},
		{"or, not", `not (exe == "cmd.exe") or pid == 100`, "1 3 4"},
		{"parent base name", `parent_exe == "services.exe"`, "1"},
		{"host name", `hostname == "WS1"`, "1 2 3 4"},
	} {
		got := strings.Join(run(t, program(t, proc+c.cond+"\noutput x"), evs), " ")
		if got != c.want {
			t.Errorf("%s (%s): got %q, want %q", c.name, c.cond, got, c.want)
		}
	}
}

// TestJoin pairs events on keys within a time bound, in time order.
func TestJoin(t *testing.T) {
	code := "a = search Process:Create where exe == \"cmd.exe\"\nb = search Process:Create where exe == \"reg.exe\"\n" +
		"j = join (a, b) where a.pid == b.ppid and a.time < b.time < a.time + 2 seconds\noutput j"
	evs := sysmon(
		`1;Image=C:\cmd.exe;ProcessId=10;UtcTime=2024-01-01 00:00:00.000`,
		`2;Image=C:\reg.exe;ParentProcessId=10;UtcTime=2024-01-01 00:00:01.000`, // pairs with 1
		`3;Image=C:\reg.exe;ParentProcessId=11;UtcTime=2024-01-01 00:00:01.500`, // other key
		`4;Image=C:\reg.exe;ParentProcessId=10;UtcTime=2024-01-01 00:00:03.000`, // too late
		`5;Image=C:\cmd.exe;ProcessId=11;UtcTime=2024-01-01 00:00:04.000`,
		`6;Image=C:\reg.exe;ParentProcessId=11;UtcTime=2024-01-01 00:00:04.500`, // pairs with 5, not with the earlier 3
	)
	if got := strings.Join(run(t, program(t, code), evs), " "); got != "1+2 5+6" {
		t.Errorf("got %q", got)
	}
}

// TestGroup counts and bounds groups, emitting rows at the end.
func TestGroup(t *testing.T) {
	evs := sysmon(
		`1;Image=C:\a.exe;User=u1;UtcTime=2024-01-01 00:00:00`,
		`2;Image=C:\a.exe;User=u2;UtcTime=2024-01-01 00:30:00`,
		`3;Image=C:\b.exe;User=u1;UtcTime=2024-01-01 00:00:00`,
		`4;Image=C:\b.exe;User=u1;UtcTime=2024-01-01 03:00:00`,
		`5;Image=C:\c.exe;UtcTime=2024-01-01 03:00:00`,
	)
	code := "p = search Process:Create\ng = group p by exe\ns = from g select min(time) as first, max(time) as last, count(user) as n\nx = filter s where last - first <= 1 hour and n > 1\noutput x"
	got := run(t, program(t, code), evs)
	if len(got) != 1 || !strings.Contains(got[0], `"exe":"a.exe"`) || !strings.Contains(got[0], `"n":2`) {
		t.Errorf("got %q", got)
	}
	count := "p = search Process:Create\nc = count(p) by exe\nx = filter c where count >= 2\noutput x"
	got = run(t, program(t, count), evs)
	sort.Strings(got)
	if fmt.Sprint(got) != `[{"count":2,"exe":"a.exe"} {"count":2,"exe":"b.exe"}]` {
		t.Errorf("count: %q", got)
	}
}

// FuzzPrefilter: on any input, the prefilter keeps every match decoding
// every line finds (it may only pass over lines that cannot match).
func FuzzPrefilter(f *testing.F) {
	f.Add([]byte(sysmon(`1;Image=C:\Windows\System32\cmd.exe;ParentImage=C:\Windows\System32\services.exe`, `2;Image=C:\x\CMD.EXE;ParentImage=services.exe`)))
	f.Add([]byte("{\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Image\":\"C:\\\\cmd.exe\",\"ParentImage\":\"C:\\\\SERVICES.exe\"}\r\n\n{bad"))
	f.Add([]byte("\ufeff" + sysmon(`3;Image=cmd.exe;ParentImage=services.exe`)))
	p := program(f, proc+`exe == "cmd.exe" and parent_exe in ["services.exe", "svc*host.exe"]`+"\noutput x")
	f.Fuzz(func(t *testing.T, data []byte) {
		count := func(opt native.Options) int {
			n := 0
			e, err := native.New([]native.Program{p}, opt, func(native.Match) { n++ })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Run(bytes.NewReader(data), "f", events.NDJSON, func(events.Bad) {}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if with, without := count(native.Options{}), count(native.Options{NoPrefilter: true}); with != without {
			t.Fatalf("prefilter: %d matches, without: %d", with, without)
		}
	})
}

// TestBrokenPromises: the sysmon schema promises the Computer (hostname,
// fqdn) in every process creation, as the Windows event schema requires
// it; an event without it breaks the promise a translated query relies
// on, and the run counts it by kind of event and field, whether or not
// an analytic matched the event, through the reader and the parallel
// pipeline alike.
func TestBrokenPromises(t *testing.T) {
	input := sysmon(`1;Image=C:\a\cmd.exe`) +
		`{"n":2,"EventID":"1","Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\a\\cmd.exe"}` + "\n" +
		`{"n":3,"EventID":"1","Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\a\\cmd.exe"}` + "\n" +
		`{"n":4,"EventID":"1","Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\a\\other.exe"}` + "\n"
	want := "[{{sysmon process/create fqdn Computer} 3} {{sysmon process/create hostname Computer} 3}]"
	p := program(t, proc+`exe == "cmd.exe" and hostname != "ws9"`+"\noutput x")
	matches := 0
	e, err := native.New([]native.Program{p}, native.Options{NoPrefilter: true}, func(native.Match) { matches++ })
	if err != nil {
		t.Fatal(err)
	}
	rd := events.Reader{Event: e.Event, Bad: func(b events.Bad) { t.Fatalf("bad input: %v", b) }}
	if err := rd.Read(strings.NewReader(input), "t", events.NDJSON); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(e.BrokenPromises()); got != want || matches != 3 {
		t.Errorf("reader: %d matches, broken promises %s, want 3 and %s", matches, got, want)
	}
	e, err = native.New([]native.Program{p}, native.Options{NoPrefilter: true}, func(native.Match) {})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(strings.NewReader(input), "t", events.NDJSON, func(b events.Bad) { t.Fatalf("bad input: %v", b) }); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(e.BrokenPromises()); got != want {
		t.Errorf("pipeline: broken promises %s, want %s", got, want)
	}
}

package agree_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/profile"
)

// procs are process creations in CAR's names; some lack user, to test
// what each language does with a missing field. Every one carries the
// fields the profiles declare always present (parent_exe, hostname…):
// that promise lets a backend leave out guards. Paths and names agree
// (exe is the base name of image_path, hostname the first label of fqdn),
// as they do in real events.
var procs = []map[string]string{
	{"exe": "cmd.exe", "image_path": `C:\Windows\System32\cmd.exe`, "parent_exe": "services.exe", "parent_image_path": `C:\Windows\System32\services.exe`,
		"command_line": "cmd /c whoami", "pid": "100", "user": "SYSTEM", "hostname": "ws1", "fqdn": "ws1.corp.example"},
	{"exe": "CMD.EXE", "image_path": `C:\WINDOWS\system32\CMD.EXE`, "parent_exe": "explorer.exe", "parent_image_path": `C:\Windows\explorer.exe`,
		"command_line": "CMD -ENC abc", "pid": "200", "hostname": "ws2", "fqdn": "ws2.corp1"},
	{"exe": "procdump64.exe", "image_path": `C:\Tools\procdump64.exe`, "parent_exe": "cmd.exe", "parent_image_path": `C:\Windows\System32\cmd.exe`,
		"command_line": "procdump -ma lsass", "pid": "300", "user": "alice", "hostname": "ws3", "fqdn": "ws3"},
	{"exe": "svchost.exe", "image_path": `C:\Windows\System32\svchost.exe`, "parent_exe": "services.exe", "parent_image_path": `C:\Windows\System32\services.exe`,
		"command_line": `svchost -k "net svcs"`, "pid": "4", "hostname": "srv1", "fqdn": "srv1.corp.example"},
	{"exe": "a*b.exe", "image_path": `C:\x\a*b.exe`, "parent_exe": "explorer.exe", "parent_image_path": `C:\Windows\explorer.exe`,
		"command_line": `x \ y`, "pid": "5", "hostname": "ws1", "fqdn": "ws1"},
}

// conditions cover each construct of the language over one dataset.
var conditions = []string{
	`exe == "cmd.exe"`,
	`exe == "CMD.exe"`,
	`image_path == "C:\Windows\*\cmd.exe"`,
	`image_path == "c:\windows\system32\*"`,
	`command_line contains "-enc"`,
	`command_line contains "net svcs"`,
	`command_line == "*\*"`,
	`user != "SYSTEM"`,
	`not user == "SYSTEM"`,
	`user exists`,
	`user == null`,
	`parent_exe != "services.exe"`,
	`pid == 300`,
	`pid == "300"`,
	`pid > 150`,
	`pid <= 100`,
	`exe in ["svchost.exe", "procdump64.exe"]`,
	`exe in ["svc*.exe", "proc*"]`,
	`exe not in ["cmd.exe"]`,
	`not (exe == "cmd.exe") or pid == 100`,
	`not (user == "SYSTEM" and parent_exe == "services.exe")`,
	`exe == "cmd.exe" and (parent_exe == "services.exe" or user == "alice")`,
	`command_line match "(?i)-enc"`,
	`command_line match "^cmd"`,
	`exe == "a*b.exe"`,
	`hostname == "ws*"`,
	`hostname == "w*1"`,
	`hostname == "*1"`,
	`hostname == "WS1"`,
}

// interpreters read each backend's query, with a test-only interpreter
// of its language, into a test of raw events.
var interpreters = []struct {
	backend backends.Backend
	read    func(query string) (func(map[string]string) bool, error)
}{
	{eql.Backend{}, func(q string) (func(map[string]string) bool, error) {
		ex, err := parseEQL(q)
		if err != nil {
			return nil, err
		}
		return func(ev map[string]string) bool { return ex(ev) == 1 }, nil
	}},
	{splunk.Backend{}, parseSPL},
	{logpoint.Backend{}, parseLogPoint},
	{dnif.Backend{}, parseDNIF},
}

// TestNativeAndBackendsAgree: for every condition a backend translates
// exactly, its query keeps, over the same events written as its default
// profile writes them, exactly the events the native engine keeps from
// the events in CAR's names.
func TestNativeAndBackendsAgree(t *testing.T) {
	car, err := native.FindSchema("car")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range interpreters {
		prof := in.backend.Profiles()[0]
		var raws []map[string]string
		for _, p := range procs {
			raws = append(raws, rawEvent(t, prof, p))
		}
		compared := 0
		for _, cond := range conditions {
			code := "p = search Process:Create\nx = filter p where " + cond + "\noutput x"
			want := nativeRun(t, code, car)
			query, e := backendtest.Translate(t, in.backend, prof, code)
			if e.Fidelity != backends.Exact {
				continue // refused or approximate: its reason says how it differs
			}
			test, err := in.read(query)
			if err != nil {
				t.Errorf("%s, %s: %v\n%s", in.backend.Name(), cond, err, query)
				continue
			}
			var got []int
			for i, ev := range raws {
				if test(ev) {
					got = append(got, i)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, %s: native keeps %v, the query keeps %v\n%s", in.backend.Name(), cond, want, got, query)
			}
			compared++
		}
		if compared < len(conditions)/2 {
			t.Errorf("%s: only %d of %d conditions compared", in.backend.Name(), compared, len(conditions))
		}
		t.Logf("%s: %d of %d conditions translated exactly and agree", in.backend.Name(), compared, len(conditions))
	}
}

// rawEvent writes a CAR event as a profile's process creation: its
// selector, each field under the profile's name, and the settings a
// query names as fields (Splunk's index).
func rawEvent(t *testing.T, prof *profile.Profile, car map[string]string) map[string]string {
	def := prof.Events["process/create"]
	raw := map[string]string{}
	for _, term := range def.Selector {
		if term.Field != "" {
			raw[term.Field] = term.Values[0]
		}
	}
	if idx, ok := prof.Settings["index"]; ok {
		raw["index"] = idx
	}
	for name, m := range def.Fields {
		if v, ok := car[name]; ok && m.Transform == profile.Same {
			raw[m.Field] = v
		}
	}
	// A field mapped with a transform must agree with the event: the
	// raw value its Same-mapped counterpart wrote ends in the name.
	for name, m := range def.Fields {
		v, ok := car[name]
		if !ok || m.Transform == profile.Same {
			continue
		}
		rv, set := raw[m.Field]
		if !set {
			t.Fatalf("%s: %s maps %s from %s, which no field of the test event sets", prof.Name, name, m.Transform, m.Field)
		}
		if got := transformed(m.Transform, rv); !strings.EqualFold(got, v) {
			t.Fatalf("%s: %s is %q but %s of %q is %q", prof.Name, name, v, m.Transform, rv, got)
		}
	}
	return raw
}

// transformed is a profile transform of a raw value.
func transformed(tr profile.Transform, v string) string {
	sep := strings.LastIndexAny(v, `\/`)
	switch tr {
	case profile.BaseName:
		return v[sep+1:]
	case profile.HostName:
		host, _, _ := strings.Cut(v, ".")
		return host
	}
	return v
}

// nativeRun is the events of procs the native engine keeps.
func nativeRun(t *testing.T, code string, car *native.Schema) []int {
	t.Helper()
	var got []int
	e, err := native.New([]native.Program{{ID: "CAR-2099-01-001", Queries: backendtest.Lower(t, code)}}, native.Options{Schema: car}, func(m native.Match) {
		got = append(got, m.Line)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range procs {
		fields := map[string]string{"object": "process", "action": "create"}
		for k, v := range p {
			fields[k] = v
		}
		if err := e.Event(events.Event{Fields: fields, Line: i}); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(got)
	return got
}

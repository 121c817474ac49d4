package agree_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// procs are process creations in CAR's names; some lack user, to test
// what each language does with a missing field. Every one carries the
// fields the Endgame profile declares always present (parent_exe,
// hostname): that promise lets a backend leave out guards.
var procs = []map[string]string{
	{"exe": "cmd.exe", "image_path": `C:\Windows\System32\cmd.exe`, "parent_exe": "services.exe", "command_line": "cmd /c whoami", "pid": "100", "user": "SYSTEM", "hostname": "ws1"},
	{"exe": "CMD.EXE", "image_path": `C:\WINDOWS\system32\CMD.EXE`, "parent_exe": "explorer.exe", "command_line": "CMD -ENC abc", "pid": "200", "hostname": "ws2"},
	{"exe": "procdump64.exe", "image_path": `C:\Tools\procdump64.exe`, "parent_exe": "cmd.exe", "command_line": "procdump -ma lsass", "pid": "300", "user": "alice", "hostname": "ws3"},
	{"exe": "svchost.exe", "image_path": `C:\Windows\System32\svchost.exe`, "parent_exe": "services.exe", "command_line": `svchost -k "net svcs"`, "pid": "4", "hostname": "srv1"},
	{"exe": "a*b.exe", "image_path": `C:\x\a*b.exe`, "parent_exe": "explorer.exe", "command_line": `x \ y`, "pid": "5", "hostname": "ws1"},
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
}

// TestNativeAndEQLAgree: for every condition the eql backend translates
// exactly, its query keeps, over the same events in the Endgame schema,
// exactly the events the native engine keeps.
func TestNativeAndEQLAgree(t *testing.T) {
	car, err := native.FindSchema("car")
	if err != nil {
		t.Fatal(err)
	}
	prof := eql.Backend{}.Profiles()[0]
	def := prof.Events["process/create"]
	agreed := 0
	for _, cond := range conditions {
		code := "p = search Process:Create\nx = filter p where " + cond + "\noutput x"
		want := nativeRun(t, code, car)
		query, e := backendtest.Translate(t, eql.Backend{}, prof, code)
		if e.Fidelity != backends.Exact {
			t.Logf("%s: eql %s (%s): not compared", cond, e.Fidelity, e.Reason)
			continue
		}
		ex, err := parseEQL(query)
		if err != nil {
			t.Errorf("%s: %v\n%s", cond, err, query)
			continue
		}
		var got []int
		for i, p := range procs {
			ev := map[string]string{}
			for name, m := range def.Fields {
				if v, ok := p[name]; ok {
					ev[m.Field] = v
				}
			}
			if ex(ev) == 1 {
				got = append(got, i)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: native keeps %v, eql keeps %v\n%s", cond, want, got, query)
		}
		agreed++
	}
	if agreed < len(conditions)*3/4 {
		t.Errorf("only %d of %d conditions compared", agreed, len(conditions))
	}
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

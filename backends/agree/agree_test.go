package agree_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/backends/kql"
	"github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/profile"
)

// procs are process creations in CAR's names. Paths and names agree (exe
// is the base name of image_path, hostname the first label of fqdn), as
// they do in real events. Some lack fields, as real events do: the
// System-like process has no parent, command line or process id (its
// parent exited, or the sensor left them out), one has no user, one no
// host name at all, which breaks the promise of a profile that lists it
// as always present (the Windows event schema's required Computer).
var procs = []map[string]string{
	{"exe": "cmd.exe", "image_path": `C:\Windows\System32\cmd.exe`, "parent_exe": "services.exe", "parent_image_path": `C:\Windows\System32\services.exe`,
		"command_line": "cmd /c whoami", "pid": "100", "ppid": "50", "user": "SYSTEM", "hostname": "ws1", "fqdn": "ws1.corp.example"},
	{"exe": "CMD.EXE", "image_path": `C:\WINDOWS\system32\CMD.EXE`, "parent_exe": "explorer.exe", "parent_image_path": `C:\Windows\explorer.exe`,
		"command_line": "CMD -ENC abc", "pid": "200", "ppid": "60", "hostname": "ws2", "fqdn": "ws2.corp1"},
	{"exe": "procdump64.exe", "image_path": `C:\Tools\procdump64.exe`, "parent_exe": "cmd.exe", "parent_image_path": `C:\Windows\System32\cmd.exe`,
		"command_line": "procdump -ma lsass", "pid": "300", "ppid": "100", "user": "alice", "hostname": "ws3", "fqdn": "ws3"},
	{"exe": "svchost.exe", "image_path": `C:\Windows\System32\svchost.exe`, "parent_exe": "services.exe", "parent_image_path": `C:\Windows\System32\services.exe`,
		"command_line": `svchost -k "net svcs"`, "pid": "4", "ppid": "50", "hostname": "srv1", "fqdn": "srv1.corp.example"},
	{"exe": "a*b.exe", "image_path": `C:\x\a*b.exe`, "parent_exe": "explorer.exe", "parent_image_path": `C:\Windows\explorer.exe`,
		"command_line": `x \ y`, "pid": "5", "ppid": "60", "hostname": "ws1", "fqdn": "ws1"},
	{"exe": "cmd.exe", "image_path": `C:\Windows\System32\cmd.exe`, "user": "SYSTEM", "hostname": "srv1", "fqdn": "srv1.corp.example"},
	{"exe": "evil.exe", "image_path": `C:\powertools\evil.exe`, "parent_exe": "explorer.exe", "parent_image_path": `C:\Windows\explorer.exe`,
		"command_line": "evil", "pid": "700", "ppid": "60", "user": "alice", "hostname": "ws2", "fqdn": "ws2.corp1"},
	{"exe": "powershell.exe", "image_path": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "parent_exe": "cmd.exe",
		"parent_image_path": `C:\Windows\System32\cmd.exe`, "command_line": "powershell -enc x", "pid": "800", "ppid": "100", "user": "alice"},
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
	// Every negation form over fields some events lack (issue 11): each
	// is true on an event without the field, as the pseudocode says.
	`exe == "cmd.exe" and parent_exe != "explorer.exe"`,
	`not parent_image_path == "C:\Windows\explorer.exe"`,
	`parent_exe not in ["explorer.exe", "services.exe"]`,
	`not (parent_exe == "cmd.exe" or user == "alice")`,
	`not command_line contains "whoami"`,
	`command_line does not contain "whoami"`,
	`not command_line match "(?i)enc"`,
	`pid != 100`,
	`not pid > 150`,
	`not ppid <= 60`,
	`not user exists`,
	`user != null`,
	`not exe == "power*.exe"`,
	`not hostname == "ws1"`,
	`not hostname == "w*1"`,
	`not fqdn match "corp"`,
	// Exact forms before approximate ones (issue 11).
	`exe in ["power*.exe", "whoami.exe"]`,
	`exe == "power*.exe" or user == "SYSTEM"`,
	`pid >= 600`,
	`ppid exists`,
	`exe == "cmd.exe" and pid >= 100 and not ppid < 60`,
}

// interpreters read each backend's query, with a test-only interpreter
// of its language, into a test of raw events.
var interpreters = []struct {
	backend backends.Backend
	read    func(p *profile.Profile, query string) (func(map[string]string) bool, error)
}{
	{eql.Backend{}, func(p *profile.Profile, q string) (func(map[string]string) bool, error) {
		ex, err := parseEQL(q, p.Dialect == "elasticsearch")
		if err != nil {
			return nil, err
		}
		return func(ev map[string]string) bool { return ex(ev) == 1 }, nil
	}},
	{splunk.Backend{}, anyProfile(parseSPL)},
	{logpoint.Backend{}, anyProfile(parseLogPoint)},
	{dnif.Backend{}, anyProfile(parseDNIF)},
	{kql.Backend{}, readKQL},
}

// anyProfile is an interpreter that reads every profile's queries alike.
func anyProfile(read func(string) (func(map[string]string) bool, error)) func(*profile.Profile, string) (func(map[string]string) bool, error) {
	return func(_ *profile.Profile, q string) (func(map[string]string) bool, error) { return read(q) }
}

// TestNativeAndBackendsAgree: for every condition a backend translates
// exactly through any of its profiles, its query keeps, over the same
// events written as that profile writes them, exactly the events the
// native engine keeps from the events in CAR's names, except those that
// break one of the profile's promises (a field it lists as always present
// missing), which the native engine, run with those promises, reports.
func TestNativeAndBackendsAgree(t *testing.T) {
	for _, in := range interpreters {
		for _, prof := range in.backend.Profiles() {
			t.Run(in.backend.Name()+"-"+prof.Name, func(t *testing.T) { agree(t, in.backend, prof, in.read) })
		}
	}
}

func agree(t *testing.T, b backends.Backend, prof *profile.Profile, read func(*profile.Profile, string) (func(map[string]string) bool, error)) {
	car := promising(t, prof)
	var raws []map[string]string
	for _, p := range procs {
		raws = append(raws, rawEvent(t, prof, p))
	}
	// The events that break a promise of the profile, which its exact
	// queries may get wrong, and the native engine must report.
	broken := map[int]bool{}
	for i, p := range procs {
		for _, f := range prof.Events["process/create"].Present {
			if _, ok := p[f]; !ok {
				broken[i] = true
			}
		}
	}
	compared := 0
	for _, cond := range conditions {
		code := "p = search Process:Create\nx = filter p where " + cond + "\noutput x"
		want, reported := nativeRun(t, code, car)
		if fmt.Sprint(reported) != fmt.Sprint(slices.Sorted(maps.Keys(broken))) {
			t.Fatalf("%s: the native engine reports the events %v as breaking a promise, want %v", cond, reported, slices.Sorted(maps.Keys(broken)))
		}
		query, e := backendtest.Translate(t, b, prof, code)
		if e.Fidelity != backends.Exact {
			continue // refused or approximate: its reason says how it differs
		}
		test, err := read(prof, query)
		if err != nil {
			t.Errorf("%s: %v\n%s", cond, err, query)
			continue
		}
		for i, ev := range raws {
			if slices.Contains(want, i) != test(ev) && !broken[i] {
				t.Errorf("%s: native keeps %v; the query differs on event %d\n%s", cond, want, i, query)
			}
		}
		compared++
	}
	if compared < len(conditions)/3 {
		t.Errorf("only %d of %d conditions compared", compared, len(conditions))
	}
	t.Logf("%d of %d conditions translated exactly and agree", compared, len(conditions))
}

// promising is the schema of events in CAR's names with the profile's
// promises of presence: the native engine run with them.
func promising(t *testing.T, prof *profile.Profile) *native.Schema {
	car, err := native.FindSchema("car")
	if err != nil {
		t.Fatal(err)
	}
	s := &native.Schema{Profile: car.Profile, Detect: car.Detect, Time: car.Time}
	s.Events = maps.Clone(car.Events)
	for key, ev := range prof.Events {
		if c, ok := s.Events[key]; ok && len(ev.Present) > 0 {
			withPromise := *c
			withPromise.Present = ev.Present
			s.Events[key] = &withPromise
		}
	}
	return s
}

// rawEvent writes a CAR event as a profile's process creation: its
// selector, each field under the profile's name, and the settings a
// query names as fields (Splunk's index).
func rawEvent(t *testing.T, prof *profile.Profile, car map[string]string) map[string]string {
	def := prof.Events["process/create"]
	raw := map[string]string{}
	for _, term := range def.Selector {
		if term.Field == "" {
			continue
		}
		// A field several terms select (LogPoint's label=Process
		// label=Create) has several values, held apart by NUL.
		if v, ok := raw[term.Field]; ok {
			raw[term.Field] = v + "\x00" + term.Values[0]
		} else {
			raw[term.Field] = term.Values[0]
		}
	}
	// The terms of the event's prefix (Splunk's index=…) are fields of
	// the event too.
	for _, term := range prof.PrefixTerms(def) {
		raw[term.Field] = term.Values[0]
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

// nativeRun is the events of procs the native engine keeps, and those
// it reports as breaking a promise of the schema.
func nativeRun(t *testing.T, code string, car *native.Schema) (kept, broken []int) {
	t.Helper()
	e, err := native.New([]native.Program{{ID: "CAR-2099-01-001", Queries: backendtest.Lower(t, code)}}, native.Options{Schema: car}, func(m native.Match) {
		kept = append(kept, m.Line)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range procs {
		fields := map[string]string{"object": "process", "action": "create"}
		for k, v := range p {
			fields[k] = v
		}
		before := fmt.Sprint(e.BrokenPromises())
		if err := e.Event(events.Event{Fields: fields, Line: i}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(e.BrokenPromises()) != before {
			broken = append(broken, i)
		}
	}
	slices.Sort(kept)
	return kept, broken
}

// TestExactMeansExact: the cases of issue 11, each over every event of
// procs (those lacking a field included, no promise excusing any), read
// by the test-only interpreter of its language (EQL's with its null
// semantics): a negation on a field the sensor does not promise keeps
// the events that lack it; a wildcard inside a base name does not cross a
// backslash; DNIF's comparisons and presence tests are _checkif filters.
func TestExactMeansExact(t *testing.T) {
	car, err := native.FindSchema("car")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		interp   int // index in interpreters
		cond     string
		fidelity backends.Fidelity
	}{
		{0, `exe == "cmd.exe" and parent_exe != "explorer.exe"`, backends.Exact},
		{0, `not (parent_exe == "cmd.exe" or user == "alice")`, backends.Exact},
		{1, `not command_line match "(?i)enc"`, backends.Exact},
		{1, `not exe == "power*.exe"`, backends.Exact},
		{2, `exe in ["power*.exe", "whoami.exe"]`, backends.Exact},
		{2, `not exe == "power*.exe"`, backends.Exact},
		{2, `exe == "power*.exe" or user == "SYSTEM"`, backends.Exact},
		{3, `pid >= 600`, backends.Exact},
		{3, `exe == "cmd.exe" and pid >= 100 and not ppid < 60`, backends.Exact},
		// key_exists takes an empty value for none (approximate); the
		// events here have no empty values, so it agrees on them.
		{3, `ppid exists`, backends.Approximate},
	} {
		in := interpreters[c.interp]
		prof := in.backend.Profiles()[0]
		code := "p = search Process:Create\nx = filter p where " + c.cond + "\noutput x"
		want, _ := nativeRun(t, code, car)
		query, e := backendtest.Translate(t, in.backend, prof, code)
		if e.Fidelity != c.fidelity {
			t.Errorf("%s, %s: %s (%s), want %s\n%s", in.backend.Name(), c.cond, e.Fidelity, e.Reason, c.fidelity, query)
			continue
		}
		test, err := in.read(prof, query)
		if err != nil {
			t.Errorf("%s, %s: %v\n%s", in.backend.Name(), c.cond, err, query)
			continue
		}
		var got []int
		for i, p := range procs {
			if test(rawEvent(t, prof, p)) {
				got = append(got, i)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s, %s: native keeps %v, the query keeps %v\n%s", in.backend.Name(), c.cond, want, got, query)
		}
	}
}
